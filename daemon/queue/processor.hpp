// Owns Processor: runs one queue's jobs on bounded worker slots. Claims in batches under a lease,
// renews leases while jobs run (a run whose lease could not be renewed before it lapsed is
// cancelled: another instance may hold the job now), acks in batches (the ack of a batch claims the next one in the
// same script call), retries with backoff or buries in the dead set, cancels a job past its
// timeout, and on a graceful stop hands unfinished jobs back without counting an attempt.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "queue/handlers.hpp"
#include "queue/keys.hpp"
#include "queue/lease_clock.hpp"
#include "queue/stats.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace blazed::queue {

using boost::asio::awaitable;

struct ProcessorOptions {
  int concurrency = 16;
  int claim_batch = 64;
  std::chrono::milliseconds lease{30'000};
  std::chrono::milliseconds heartbeat_interval{10'000};
  std::chrono::milliseconds idle_wait{1'000};
  int dead_max = 10'000;
  // Leases are set and judged on Redis TIME (tests: a shared manual clock).
  LeaseClock lease_clock;

  static ProcessorOptions from(const config::QueueConfig& c);
};

// Threading: everything runs on the clients' executor (one thread or strand).
class Processor {
 public:
  // `client` carries every state change; `waiter` is a second connection used only to block on
  // the queue's wake-up list while idle (a blocking command would stall whatever is pipelined
  // behind it). Both, and `clock`, must outlive the processor.
  Processor(redis::RedisClient& client, redis::RedisClient& waiter, QueueKeys keys,
            Handlers handlers, ProcessorOptions options, const Clock& clock);
  // Without stop(): abandons running jobs without telling Redis, as a crash would; their leases
  // expire and a recoverer (here or in another instance) puts them back to pending.
  ~Processor();
  Processor(const Processor&) = delete;
  Processor& operator=(const Processor&) = delete;

  void start();
  // Graceful stop: stop claiming, let running jobs finish until `deadline`, then hand the rest
  // back to pending without counting an attempt, and flush outstanding acks.
  awaitable<void> stop(std::chrono::milliseconds deadline);

  // Renews the leases of all running jobs now (the heartbeat loop calls it every interval).
  // Runs whose lease was lost, or lapsed on this instance's clock since it was last renewed, are
  // cancelled and reported as lease_lost.
  awaitable<Status> heartbeat_once();

  [[nodiscard]] std::size_t running() const noexcept;
  [[nodiscard]] const ProcessorStats& stats() const noexcept;
  [[nodiscard]] const QueueKeys& keys() const noexcept;
  // Called on the executor after each run is settled.
  void on_report(std::function<void(const RunReport&)> observer);

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace blazed::queue
