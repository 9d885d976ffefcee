// Owns CtlServer: a real control server over a test world's io_context and a registry, and
// blazectl run against it (in a thread, while the test thread drives the io_context until the
// process has exited). BLAZECTL_PATH names the binary.
#pragma once

#include "control/server.hpp"
#include "harness/run_coro.hpp"
#include "harness/run_process.hpp"
#include "harness/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace blazed::testing {

class CtlServer {
 public:
  CtlServer(boost::asio::io_context& io, control::CommandRegistry& registry) : io_(io) {
    cfg_.socket = (run_dir_ / "control.sock").string();
    server_.emplace(io.get_executor(), cfg_, registry);
    REQUIRE(server_->start());
  }
  ~CtlServer() { run_coro(io_, server_->stop(std::chrono::seconds(5))); }

  ProcessResult ctl(std::vector<std::string> args, const std::string& stdin_data = {}) {
    args.insert(args.begin(), {BLAZECTL_PATH, "--socket", cfg_.socket});
    ProcessResult result;
    std::atomic<bool> done{false};
    std::thread t([&] {
      result = run_process(args, {{"BLAZED_SOCKET", ""}}, stdin_data);
      done = true;
    });
    const bool finished = run_until(io_, [&] { return done.load(); });
    t.join();
    REQUIRE(finished);
    return result;
  }

 private:
  boost::asio::io_context& io_;
  TempDir run_dir_{"blazed-ctl"};
  config::ControlConfig cfg_;
  std::optional<control::ControlServer> server_;
};

}  // namespace blazed::testing
