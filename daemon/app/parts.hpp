// Owns the list of the daemon's running parts, shared by the files of the composition root
// (server.cpp runs the lifecycle; start_*.cpp build one area each). Internal to blazed_server.
#pragma once

#include "config/config.hpp"
#include "control/builtin_commands.hpp"
#include "control/registry.hpp"
#include "crypto/keyring.hpp"
#include "http/client.hpp"
#include "jobs/job_context.hpp"
#include "pg/pool.hpp"
#include "queue/forwarder.hpp"
#include "queue/processor.hpp"
#include "schedule/queue_job_sink.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "queue/recoverer.hpp"
#include "schedule/scheduler.hpp"
#include "redis/client.hpp"
#include "spapi/client.hpp"
#include "spapi/lwa.hpp"
#include "spapi/spapi_metrics.hpp"
#include "control/server.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "health/http_server.hpp"
#include "health/readiness.hpp"
#include "metrics/registry.hpp"
#include "queue_ops/queue_metrics.hpp"
#include "app/systemd_notifier.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace blazed::app {

struct Parts {
  Parts(boost::asio::io_context& i, std::string path, config::Config c)
      : io(i), config_path(std::move(path)), config(std::move(c)) {}

  boost::asio::io_context& io;
  std::string config_path;
  config::Config config;
  const Clock& clock = SystemClock::instance();
  Clock::time_point started_at = clock.now();
  log::Logger logger{"server"};
  bool stopping = false;  // set when stop begins: what goes away then is expected, not a warning
  SystemdNotifier notifier;
  // Installed before READY=1 so that no signal can arrive while its default action applies.
  boost::asio::signal_set signals{io, SIGTERM, SIGINT, SIGHUP};

  // Members are declared in dependency order, so that destruction (the reverse) never leaves a
  // part pointing at one already gone; stop() has already stopped them in the same order.

  // Storage, keys and outside services (start_storage.cpp).
  std::unique_ptr<redis::RedisClient> redis;         // every queue state change
  std::unique_ptr<redis::RedisClient> redis_waiter;  // only the processors' idle blocking waits
  std::unique_ptr<pg::PgPool> db;
  std::unique_ptr<crypto::Keyring> keyring;
  std::unique_ptr<http::Client> http;
  std::unique_ptr<spapi::LwaClient> lwa;
  std::unique_ptr<spapi::SpApiClient> spapi;  // null when spapi.client_id is empty

  // Operator surface.
  metrics::Registry metrics;
  // Registered whether or not the SP-API is configured. The SP-API clients above count through
  // it; they are stopped (their work with them) before it goes.
  spapi::SpApiMetrics spapi_metrics{metrics};
  health::Readiness readiness;
  control::CommandRegistry commands;
  std::unique_ptr<health::HealthServer> health_server;
  std::unique_ptr<control::ControlServer> control_server;
  std::optional<control::ReloadState> last_reload;  // for `blazectl status`

  // Work (start_work.cpp).
  std::unique_ptr<ratelimit::RateLimiter> rate_limiter;
  std::unique_ptr<schedule::QueueJobSink> job_sink;
  std::unique_ptr<jobs::JobContext> job_context;
  queue::Handlers job_types;  // every duty's, kept to check the schedules of a reload
  std::vector<std::unique_ptr<queue::Recoverer>> recoverers;
  std::vector<std::unique_ptr<queue::Forwarder>> forwarders;
  std::vector<std::unique_ptr<queue::Processor>> processors;
  std::unique_ptr<schedule::Scheduler> scheduler;
  std::unique_ptr<queue_ops::QueueMetrics> queue_metrics;  // start_queue_ops.cpp

  // What to undo at stop, most recent last: stopping walks it backwards.
  struct StopStep {
    std::string name;
    std::function<boost::asio::awaitable<void>()> stop;
  };
  std::vector<StopStep> stop_steps;
  void on_stop(std::string name, std::function<boost::asio::awaitable<void>()> stop) {
    stop_steps.push_back({std::move(name), std::move(stop)});
  }

  // Background coroutines and the signals that cancel them all in the last stop step (the
  // watchdog, and whatever outlived its own step).
  std::list<boost::asio::cancellation_signal> background;
  void spawn_background(boost::asio::awaitable<void> task);
  // A background coroutine stopped in its place in the stop order, before the parts it uses:
  // its stop step calls `request_stop` (when none: cancels it) and waits until it has returned,
  // so a pass in flight ends with Redis and PostgreSQL still there.
  void run_background(std::string name, boost::asio::awaitable<void> task,
                      std::function<void()> request_stop = {});
};

// Each starts one area and registers how to stop it. Called in this order by server.cpp.
boost::asio::awaitable<Status> start_storage(Parts& parts);  // Redis, PostgreSQL + schema, keyring, SP-API
Status start_operator_surface(Parts& parts);  // metrics, health HTTP, control socket
Status start_work(Parts& parts);              // job types, queue processors, recoverers, scheduler
Status start_duties(Parts& parts);            // every duty's commands, metrics and background work
Status start_queue_ops(Parts& parts);         // jobs/queues/schedules commands, queue metrics

}  // namespace blazed::app
