// Owns the list of the daemon's running parts, shared by the files of the composition root
// (server.cpp runs the lifecycle; start_*.cpp build one area each). Internal to blazed_server.
#pragma once

#include "config/config.hpp"
#include "control/registry.hpp"
#include "control/server.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "health/http_server.hpp"
#include "health/readiness.hpp"
#include "metrics/registry.hpp"
#include "server/systemd_notifier.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

namespace blazed::server {

struct Parts {
  Parts(boost::asio::io_context& i, std::string path, config::Config c)
      : io(i), config_path(std::move(path)), config(std::move(c)) {}

  boost::asio::io_context& io;
  std::string config_path;
  config::Config config;
  const Clock& clock = SystemClock::instance();
  Clock::time_point started_at = clock.now();
  log::Logger logger{"server"};
  SystemdNotifier notifier;
  // Installed before READY=1 so that no signal can arrive while its default action applies.
  boost::asio::signal_set signals{io, SIGTERM, SIGINT, SIGHUP};

  // Operator surface.
  metrics::Registry metrics;
  health::Readiness readiness;
  control::CommandRegistry commands;
  std::unique_ptr<health::HealthServer> health_server;
  std::unique_ptr<control::ControlServer> control_server;

  // What to undo at stop, most recent last: stopping walks it backwards.
  struct StopStep {
    std::string name;
    std::function<boost::asio::awaitable<void>()> stop;
  };
  std::vector<StopStep> stop_steps;
  void on_stop(std::string name, std::function<boost::asio::awaitable<void>()> stop) {
    stop_steps.push_back({std::move(name), std::move(stop)});
  }

  // Background coroutines (watchdog, ...) and the signals that cancel them at stop.
  std::list<boost::asio::cancellation_signal> background;
  void spawn_background(boost::asio::awaitable<void> task);
};

// Each starts one area and registers how to stop it. Called in this order by server.cpp.
Status start_operator_surface(Parts& parts);  // metrics, health HTTP, control socket

}  // namespace blazed::server
