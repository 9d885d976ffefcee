// Owns the test fixture for the control server: a real ControlServer on a socket in a temporary
// directory, run by an io_context on a background thread, stopped and joined at the end.
#pragma once

#include "control/builtin_commands.hpp"
#include "control/server.hpp"
#include "harness/temp_dir.hpp"
#include "metrics/registry.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <optional>
#include <thread>

namespace blazed::testing {

struct ControlFixture {
  TempDir dir{"blazed-control"};
  boost::asio::io_context io;
  control::CommandRegistry commands;
  metrics::Registry metrics;
  config::ControlConfig cfg;
  control::AuditSink audit;  // set before start() to see the audit records
  std::optional<control::ControlServer> server;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::thread thread;

  ControlFixture() { cfg.socket = (dir / "run" / "control.sock").string(); }

  // Starts the server (with `policy`, or the config's) and the io thread; returns start()'s status.
  Status start(std::optional<control::PeerPolicy> policy = std::nullopt) {
    if (policy) {
      server.emplace(io.get_executor(), cfg, commands, *policy, &metrics);
    } else {
      server.emplace(io.get_executor(), cfg, commands, &metrics);
    }
    if (audit) server->set_audit(audit);
    auto st = server->start();
    work.emplace(io.get_executor());
    thread = std::thread([this] { io.run(); });
    return st;
  }

  // Runs fn on the io thread and returns its value (the server is not thread-safe).
  template <class Fn>
  auto on_io(Fn fn) {
    return boost::asio::post(io, boost::asio::use_future(std::move(fn))).get();
  }

  void stop(config::Duration deadline = std::chrono::seconds(5)) {
    if (!thread.joinable()) return;
    boost::asio::co_spawn(io, server->stop(deadline), boost::asio::use_future).get();
    work.reset();
    thread.join();
  }

  ~ControlFixture() { stop(); }
};

}  // namespace blazed::testing
