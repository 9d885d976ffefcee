// Owns TickFence: the Redis fence that lets exactly one of any number of instances enqueue a
// given tick, and the last-enqueued mark that makes later claims of that tick no-ops.
#pragma once

#include "core/error.hpp"
#include "queue/keys.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace blazed::schedule {

class TickFence {
 public:
  enum class Claim {
    won,   // this instance enqueues the tick, then calls complete()
    done,  // the tick (or a later one) was already enqueued
    held,  // another instance holds the tick right now
  };

  TickFence(redis::RedisClient& redis, std::string owner) : redis_(redis), owner_(std::move(owner)) {}

  // The last tick enqueued, in ms; nullopt if the schedule never ran anywhere.
  boost::asio::awaitable<Result<std::optional<std::int64_t>>> last(std::string_view schedule);
  // Records `now_ms` as the starting point unless one exists (first start of a new schedule).
  boost::asio::awaitable<Status> set_baseline(std::string_view schedule, std::int64_t now_ms);
  // Atomically: done if last >= tick, else SET NX PX on the tick's fence.
  boost::asio::awaitable<Result<Claim>> claim(std::string_view schedule, std::int64_t tick_ms,
                                              std::chrono::milliseconds ttl);
  // After the enqueue: last = max(last, tick), so the tick is never claimed again.
  boost::asio::awaitable<Status> complete(std::string_view schedule, std::int64_t tick_ms);
  // After a failed enqueue: drops our fence so another pass (here or elsewhere) retries at once.
  boost::asio::awaitable<Status> release(std::string_view schedule, std::int64_t tick_ms);

  [[nodiscard]] const std::string& owner() const { return owner_; }

 private:
  redis::RedisClient& redis_;
  std::string owner_;
};

}  // namespace blazed::schedule
