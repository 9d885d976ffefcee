// Owns Scheduler: the cron duties from the config, each tick enqueued exactly once across any
// number of instances, missed ticks collapsed to one run, and list / trigger for blazectl.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "schedule/cron.hpp"
#include "schedule/job_sink.hpp"
#include "schedule/tick_fence.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace blazed::schedule {

struct Schedule {
  std::string name;
  CronSchedule when;
  std::string job;
  std::string queue;
  std::string payload;
  std::string group;  // the queue's run-one-at-a-time group; empty = none
};

// Validates and compiles the configured schedules; errors name the schedule and the bad field.
Result<std::vector<Schedule>> compile_schedules(const config::SchedulerConfig& config);

struct ScheduleInfo {
  std::string name;
  std::string spec;  // as configured
  std::string zone;  // "UTC" when none was given
  std::string job;
  std::string queue;
  // The last tick enqueued by any instance (nullopt: never ran; or only the first-start mark).
  std::optional<Clock::time_point> last_tick;
  // The next tick to enqueue; at or before now means it is due on the next pass.
  std::optional<Clock::time_point> next_tick;
};

// How a tick is enqueued exactly once:
//  1. every instance computes the latest tick T in (last, now] ("last" is in Redis);
//  2. claim: one script checks last < T and sets the fence {sched:NAME}:fence:T with NX and a TTL;
//     the one instance that sets it enqueues, with unique key "schedule:NAME:T";
//  3. complete: last = T, after which any claim of T (or earlier) is a no-op.
// If the winner dies between 1 and 3, its fence expires after fence_ttl and another instance
// enqueues T again under the same unique key, which the queue deduplicates.
// A schedule seen for the first time anywhere starts from now: nothing fires until its next tick.
// After a downtime only the latest missed tick runs.
//
// Threading: on the Redis client's executor.
class Scheduler {
 public:
  struct Options {
    std::string instance_id;  // fence owner, for diagnostics
    std::chrono::milliseconds fence_ttl{60'000};
    std::chrono::milliseconds max_sleep{60'000};
  };

  Scheduler(redis::RedisClient& redis, JobSink& sink, const Clock& clock, std::vector<Schedule> schedules,
            Options options);

  // One pass over every schedule; returns how many new jobs this instance enqueued (a tick the
  // queue already held under its unique key does not count). A failure of one
  // schedule does not stop the others; the first failure is returned after the pass.
  boost::asio::awaitable<Result<std::size_t>> run_due();
  // Every schedule with its last and next tick.
  boost::asio::awaitable<Result<std::vector<ScheduleInfo>>> list();
  // Enqueues the schedule's job now, beside its regular ticks (which it does not move).
  // "not_found" for an unknown name. Returns the job's unique key.
  boost::asio::awaitable<Result<std::string>> trigger(std::string_view name);

  // Runs passes until stop(): after each, sleeps on the clock until the earliest next tick (at most
  // max_sleep; a failed pass retries after at most a second). The scheduler must outlive the
  // run() coroutine: stop(), then let run() return before destroying it. A stop() before
  // run() starts makes run() return at once.
  boost::asio::awaitable<void> run();
  void stop();

  // The earliest next tick of any schedule after `now` (the run loop's wake-up time).
  [[nodiscard]] std::optional<Clock::time_point> next_wakeup(Clock::time_point now) const;
  // The schedules in force (a snapshot: a reload does not change it under the caller).
  [[nodiscard]] std::shared_ptr<const std::vector<Schedule>> schedules() const { return schedules_; }
  // Replaces the schedules (SIGHUP). A pass in flight finishes with the old set; the run loop
  // wakes at once to recompute its next wake-up. Ticks of a kept name carry on from its last.
  void reload(std::vector<Schedule> schedules);

 private:
  boost::asio::awaitable<Result<bool>> run_one(const Schedule& s, sys_seconds now);

  redis::RedisClient& redis_;
  JobSink& sink_;
  const Clock& clock_;
  std::shared_ptr<const std::vector<Schedule>> schedules_;
  Options options_;
  TickFence fence_;
  boost::asio::any_io_executor ex_;
  boost::asio::cancellation_signal wake_;  // ends the run loop's sleep (stop, reload)
  bool stopped_ = false;
};

}  // namespace blazed::schedule
