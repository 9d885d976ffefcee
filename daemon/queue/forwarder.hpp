// Owns Forwarder: moves scheduled jobs whose time has come, and retries whose backoff elapsed,
// to pending. Any instance may run it; the script makes each move happen once.
#pragma once

#include "core/error.hpp"
#include "queue/periodic_duty.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>

namespace blazed::queue {

using boost::asio::awaitable;

struct Forwarded {
  std::uint64_t scheduled = 0;  // scheduled -> pending
  std::uint64_t retry = 0;      // retry -> pending
};

class Forwarder : public PeriodicDuty {
 public:
  Forwarder(redis::RedisClient& client, QueueKeys keys, const Clock& clock,
            std::chrono::milliseconds interval)
      : PeriodicDuty(client, std::move(keys), clock, interval) {}

  // Runs forward_once() every interval until stop().
  void start();
  // One pass: moves every due job (1000 per script call, repeated while full).
  awaitable<Result<Forwarded>> forward_once();

};

}  // namespace blazed::queue
