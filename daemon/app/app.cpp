// Owns the start order, the signal loop (SIGHUP reload, SIGTERM/SIGINT stop) and the stop
// order of the daemon. Note: parts are stopped in the reverse of the order they started, each
// within what is left of shutdown.deadline.
#include "app/app.hpp"

#include "app/check_config.hpp"
#include "app/parts.hpp"
#include "app/reload_keyring.hpp"
#include "config/loader.hpp"
#include "core/errc.hpp"
#include "core/log.hpp"
#include "core/redact.hpp"
#include "jobs/duty.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>


namespace blazed::app {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

std::string default_instance_id() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

}  // namespace

void Parts::spawn_background(asio::awaitable<void> task) {
  auto& signal = background.emplace_back();
  asio::co_spawn(io, std::move(task), asio::bind_cancellation_slot(signal.slot(), asio::detached));
}

void Parts::run_background(std::string name, asio::awaitable<void> task,
                           std::function<void()> request_stop) {
  struct Ended {
    bool done = false;
    asio::steady_timer signal;
  };
  auto ended = std::make_shared<Ended>(Ended{false, asio::steady_timer(io, asio::steady_timer::time_point::max())});
  auto& cancel = background.emplace_back();
  asio::co_spawn(io, std::move(task), asio::bind_cancellation_slot(cancel.slot(), [ended](std::exception_ptr) {
    ended->done = true;
    ended->signal.cancel();
  }));
  on_stop(std::move(name), [ended, &cancel, request_stop = std::move(request_stop)]() -> asio::awaitable<void> {
    if (request_stop)
      request_stop();
    else
      cancel.emit(asio::cancellation_type::terminal);
    if (!ended->done) co_await ended->signal.async_wait(asio::as_tuple(asio::use_awaitable));
  });
}

// The lifecycle: start in order, serve, reload, stop in reverse.
struct Server::Lifecycle : Parts {
  using Parts::Parts;

  asio::awaitable<Status> start() {
    notifier.status("starting");
    spawn_background(notifier.run_watchdog());
    on_stop("background tasks", [this]() -> asio::awaitable<void> {
      for (auto& signal : background) signal.emit(asio::cancellation_type::terminal);
      co_return;
    });
    if (auto st = co_await start_storage(*this); !st) co_return st;
    if (auto st = start_operator_surface(*this); !st) co_return st;
    if (auto st = start_work(*this); !st) co_return st;
    if (auto st = start_duties(*this); !st) co_return st;
    if (auto st = start_queue_ops(*this); !st) co_return st;
    co_return Status{};
  }

  asio::awaitable<void> stop() {
    stopping = true;
    const auto deadline = clock.now() + config.shutdown_deadline;
    for (auto it = stop_steps.rbegin(); it != stop_steps.rend(); ++it) {
      notifier.status("stopping: " + it->name);
      auto outcome = co_await (it->stop() || clock.wait_until(io.get_executor(), deadline,
                                                               asio::as_tuple(asio::use_awaitable)));
      if (outcome.index() == 1)
        logger.warn("stop step passed the shutdown deadline; abandoning it", {{"step", it->name}});
      else
        logger.debug("stopped", {{"step", it->name}});
    }
    stop_steps.clear();
  }

  // SIGHUP: a valid new file is applied (reloadable keys now, restart-only keys named, the
  // keyring re-read); a bad one is logged and the running configuration stays. A part that
  // refuses its new settings (schedules, keyring) keeps its running ones; STATUS= and `blazectl
  // status` say so.
  asio::awaitable<void> reload() {
    notifier.reloading();
    auto loaded = config::load_config_file(config_path);
    if (!loaded) {
      logger.error("reload refused: the new configuration is invalid; keeping the running one",
                   {{"error", loaded.error().message}});
      finish_reload("refused", "invalid configuration");
      co_return;
    }
    for (const auto& key : config::restart_only_changes(config, *loaded))
      logger.warn("changed key needs a restart to apply", {{"key", key}});
    config.log = loaded->log;
    config.shutdown_deadline = loaded->shutdown_deadline;
    config.credential_ages = loaded->credential_ages;
    config.given = loaded->given;
    log::configure(config.log);
    std::string kept;
    if (!reload_schedules(loaded->scheduler.schedules))
      kept = "schedules reload refused, running schedules kept";
    if (co_await reload_keyring(*this, loaded->keyring) == KeyringReload::refused)
      kept += std::string(kept.empty() ? "" : "; ") + "keyring reload refused, old keys kept";
    if (kept.empty()) {
      logger.info("configuration reloaded", {{"file", config_path}});
      finish_reload("applied", "");
    } else {
      logger.warn("configuration reloaded in part", {{"file", config_path}, {"kept", kept}});
      finish_reload("partly refused", kept);
    }
  }

  void finish_reload(const std::string& outcome, const std::string& detail) {
    last_reload = control::ReloadState{clock.now(), outcome, detail};
    notifier.reloaded();
    notifier.status(detail.empty() ? "running (configuration reloaded)"
                                   : "running (last reload " + outcome + ": " + detail + ")");
  }

  // New schedules take over from the next pass; a schedule keeping its name keeps its last tick
  // (docs/scheduling.md). Names, expressions, zones and job types are checked first: a bad one
  // keeps them all. False when refused.
  bool reload_schedules(const std::vector<config::ScheduleConfig>& next) {
    config::SchedulerConfig candidate = config.scheduler;
    candidate.schedules = jobs::schedules_with_defaults(next);
    auto compiled = schedule::compile_schedules(candidate);
    Status jobs_known = compiled ? check_schedule_jobs(candidate.schedules, job_types) : Status{};
    if (!compiled || !jobs_known) {
      logger.error("schedules reload refused; keeping the running schedules",
                   {{"error", compiled ? jobs_known.error().message : compiled.error().message}});
      return false;
    }
    if (scheduler) scheduler->reload(std::move(*compiled));
    config.scheduler.schedules = next;
    return true;
  }

  // Waits for SIGTERM or SIGINT, reloading on each SIGHUP meanwhile.
  asio::awaitable<int> serve_until_signalled() {
    while (true) {
      auto [ec, signo] = co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return SIGTERM;
      if (signo == SIGHUP) {
        logger.info("SIGHUP: reloading configuration");
        co_await reload();
        continue;
      }
      co_return signo;
    }
  }
};

Server::Server(asio::io_context& io, std::string config_path, config::Config config)
    : parts_(std::make_unique<Lifecycle>(io, std::move(config_path), std::move(config))) {
  if (parts_->config.instance_id.empty()) parts_->config.instance_id = default_instance_id();
}

Server::~Server() = default;

asio::awaitable<int> Server::run() {
  auto& p = *parts_;
  log::configure(p.config.log);
  p.logger.info("starting", {{"version", BLAZED_VERSION},
                             {"instance", p.config.instance_id},
                             {"config", p.config_path}});
  auto started = co_await p.start();
  if (!started) {
    p.logger.critical("start-up failed", {{"error", started.error().message},
                                          {"code", started.error().code}});
    co_await p.stop();
    // What only the operator can fix is not fixed by restarting (78 stops systemd's restarts);
    // anything else (a database down) may be.
    co_return start_failure_exit_code(started.error());
  }
  p.notifier.ready();
  p.notifier.status("running");
  p.logger.info("ready");

  int signo = co_await p.serve_until_signalled();
  p.logger.info("stopping", {{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"},
                             {"deadline_ms", p.config.shutdown_deadline.count()}});
  p.notifier.stopping();
  co_await p.stop();
  p.logger.info("stopped");
  co_return kExitOk;
}

}  // namespace blazed::app
