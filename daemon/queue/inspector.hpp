// Owns reading a queue's state for metrics and operators: depth per state, and dead jobs with
// their reason and last error.
#pragma once

#include "core/error.hpp"
#include "queue/keys.hpp"
#include "queue/state.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blazed::queue {

using boost::asio::awaitable;

struct Depths {
  std::uint64_t pending = 0;        // includes group_waiting
  std::uint64_t group_waiting = 0;  // pending jobs parked until their group's running job ends
  std::uint64_t active = 0;
  std::uint64_t scheduled = 0;
  std::uint64_t retry = 0;
  std::uint64_t dead = 0;
};

struct DeadJob {
  std::int64_t id = 0;
  std::string type;
  std::string reason;      // why it is dead ("unknown job type", "out of attempts"...)
  std::string last_error;  // the last attempt's error (code: message)
  std::int64_t died_ms = 0;
  int attempts = 0;
};

// One job as an operator sees it. Payloads carry ids only; last_error is "code: message".
struct JobInfo {
  std::int64_t id = 0;
  State state = State::pending;
  std::string type;
  std::string payload;
  int attempts = 0;      // runs that ended (hand-backs and deferrals excluded)
  int max_attempts = 0;  // 0: the type's default
  int priority = 0;
  std::string group;
  std::string last_error;
  std::string dead_reason;
  // The state's time (Unix ms): run-at (scheduled), retry-at (retry), died-at (dead), lease
  // deadline (active); 0 for pending.
  std::int64_t at_ms = 0;
};

struct JobPage {
  std::uint64_t total = 0;  // jobs in that state (the listing's ZSET size)
  std::vector<JobInfo> jobs;
};

class Inspector {
 public:
  Inspector(redis::RedisClient& client, QueueKeys keys);

  // One pipelined round trip.
  awaitable<Result<Depths>> depths();
  // The newest `limit` dead jobs, newest first.
  awaitable<Result<std::vector<DeadJob>>> dead_jobs(std::size_t limit);
  // The state of a job, or nullopt once it is gone (completed jobs are deleted, and the oldest
  // dead jobs are trimmed).
  awaitable<Result<std::optional<State>>> state_of(std::int64_t id);

  // Jobs in `state` from `offset`, at most `limit`: pending in claim order (jobs parked for their
  // group are not listed), scheduled and retry by due time, active by lease deadline, dead newest
  // first. Two round trips. State::completed lists nothing (completed jobs are gone).
  awaitable<Result<JobPage>> list(State state, std::size_t offset, std::size_t limit);
  // One job, or nullopt when it is gone.
  awaitable<Result<std::optional<JobInfo>>> show(std::int64_t id);
  // Whether the queue is paused (QueueAdmin::pause).
  awaitable<Result<bool>> paused();

 private:
  // The lease deadline (ms) of the job's active entry, nullopt when it is not active. The job
  // does not record its lease token, so this scans `active` (a few hundred entries at most).
  awaitable<Result<std::optional<std::int64_t>>> lease_of(std::int64_t id);

  redis::RedisClient& client_;
  QueueKeys keys_;
};

}  // namespace blazed::queue
