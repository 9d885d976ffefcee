// Owns the job value types: what a producer enqueues (NewJob, EnqueueOptions) and what a handler
// receives (Job). Payloads carry ids (a seller number, a backup name), never secrets or PII.
#pragma once

#include "core/clock.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace blazed::queue {

struct EnqueueOptions {
  // Run at this time (scheduled) instead of now. enqueue_after() fills it from a delay.
  std::optional<Clock::time_point> run_at;
  // While a job with this key is pending, scheduled, retrying or active, enqueueing another with
  // the same key returns the existing job instead. Empty: no uniqueness.
  std::string unique_key;
  // At most one job of a group runs at a time across all instances (e.g. "seller:42").
  std::string group;
  int priority = 0;                      // 0-15, higher runs first; FIFO within a priority
  int max_attempts = 0;                  // 0: the job type's default
  std::chrono::milliseconds timeout{0};  // 0: the job type's default
};

struct NewJob {
  std::string type;
  std::string payload;
  EnqueueOptions options;
};

struct Enqueued {
  std::int64_t id = 0;     // stable for the job's whole life, across retries and re-runs
  bool duplicate = false;  // the unique key was held: `id` is the existing job's
};

// A claimed job as a handler sees it.
struct Job {
  std::string queue;
  std::int64_t id = 0;
  std::string type;
  std::string payload;
  int attempt = 1;  // 1 on the first run; counts runs that ended (hand-backs excluded)
  int max_attempts = 0;                  // from the job, or 0 for the type's default
  std::chrono::milliseconds timeout{0};  // from the job, or 0 for the type's default
  int priority = 0;
  std::string unique_key;
  std::string group;
  // Internal: the lease token (of the claim call) fencing this run, the epoch (life of the queue's
  // state) it was claimed in, and when the job became runnable.
  std::int64_t token = 0;
  std::string epoch;
  std::int64_t ready_us = 0;

  // This run's fencing token, unique to one claim (across Redis losses too): stores that let only
  // the latest run write (sync_state) record it and refuse writes carrying another.
  [[nodiscard]] std::string run_id() const {
    return epoch + ":" + std::to_string(id) + ":" + std::to_string(token);
  }
};

}  // namespace blazed::queue
