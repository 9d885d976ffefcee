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

 private:
  redis::RedisClient& client_;
  QueueKeys keys_;
};

}  // namespace blazed::queue
