// Owns the daemon's composition root: builds the parts in a written order, runs until told to
// stop, reloads on SIGHUP, and stops the parts in the reverse order within a deadline.
#pragma once

#include "config/config.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

namespace blazed::app {

// Exit codes of `blazed` (documented in docs/operations.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE: a dependency refused at start-up
inline constexpr int kExitConfig = 78;       // EX_CONFIG: the configuration is invalid

class Server {
 public:
  Server(boost::asio::io_context& io, std::string config_path, config::Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Starts every part, serves until SIGTERM/SIGINT, stops; returns the exit code.
  boost::asio::awaitable<int> run();

 private:
  struct Lifecycle;
  std::unique_ptr<Lifecycle> parts_;
};

}  // namespace blazed::app
