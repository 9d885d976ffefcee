// Owns Recoverer: finds jobs whose lease expired (their worker was killed, hung or partitioned)
// and puts them back to pending, so a crashed instance loses nothing, and frees group locks whose
// holder is gone. Leases are judged on Redis TIME, not this instance's clock. Any instance may
// run it.
#pragma once

#include "core/error.hpp"
#include "queue/lease_clock.hpp"
#include "queue/periodic_duty.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>

namespace blazed::queue {

using boost::asio::awaitable;

class Recoverer : public PeriodicDuty {
 public:
  Recoverer(redis::RedisClient& client, QueueKeys keys, const Clock& clock,
            std::chrono::milliseconds interval, LeaseClock lease_clock = {})
      : PeriodicDuty(client, std::move(keys), clock, interval), lease_clock_(lease_clock) {}

  // Runs recover_once() every interval until stop().
  void start();
  // One pass (up to 1000 jobs per script call, repeated while full); returns how many went back.
  awaitable<Result<std::uint64_t>> recover_once();
  // Lease recoveries done by this instance since start.
  [[nodiscard]] std::uint64_t recovered() const noexcept { return recovered_; }
  // Group locks freed because their holder was gone (its job or lease lost with Redis state).
  [[nodiscard]] std::uint64_t groups_healed() const noexcept { return groups_healed_; }

 private:
  LeaseClock lease_clock_;
  std::uint64_t recovered_ = 0;
  std::uint64_t groups_healed_ = 0;
};

}  // namespace blazed::queue
