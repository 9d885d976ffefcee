// Owns Recoverer: finds jobs whose lease expired (their worker was killed, hung or partitioned)
// and puts them back to pending, so a crashed instance loses nothing. Any instance may run it.
#pragma once

#include "core/error.hpp"
#include "queue/periodic_duty.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>

namespace blazed::queue {

using boost::asio::awaitable;

class Recoverer : public PeriodicDuty {
 public:
  Recoverer(redis::RedisClient& client, QueueKeys keys, const Clock& clock,
            std::chrono::milliseconds interval)
      : PeriodicDuty(client, std::move(keys), clock, interval) {}

  // Runs recover_once() every interval until stop().
  void start();
  // One pass (up to 1000 jobs per script call, repeated while full); returns how many went back.
  awaitable<Result<std::uint64_t>> recover_once();
  // Lease recoveries done by this instance since start.
  [[nodiscard]] std::uint64_t recovered() const noexcept { return recovered_; }

 private:
  std::uint64_t recovered_ = 0;
};

}  // namespace blazed::queue
