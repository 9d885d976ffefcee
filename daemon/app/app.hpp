// Owns the daemon's composition root: builds the parts in a written order, runs until told to
// stop, reloads on SIGHUP, and stops the parts in the reverse order within a deadline.
#pragma once

#include "app/exit_codes.hpp"
#include "config/config.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

namespace blazed::app {

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
