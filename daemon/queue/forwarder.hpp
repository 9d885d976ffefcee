// Owns Forwarder: moves scheduled jobs whose time has come, and retries whose backoff elapsed,
// to pending. Any instance may run it; the script makes each move happen once.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "queue/keys.hpp"
#include "redis/client.hpp"

#include "queue/periodic.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace blazed::queue {

using boost::asio::awaitable;

struct Forwarded {
  std::uint64_t scheduled = 0;  // scheduled -> pending
  std::uint64_t retry = 0;      // retry -> pending
};

class Forwarder {
 public:
  Forwarder(redis::RedisClient& client, QueueKeys keys, const Clock& clock,
            std::chrono::milliseconds interval);
  ~Forwarder();

  void start();
  void stop();
  // One pass: moves every due job (1000 per script call, repeated while full).
  awaitable<Result<Forwarded>> forward_once();

 private:
  redis::RedisClient& client_;
  QueueKeys keys_;
  const Clock& clock_;
  std::chrono::milliseconds interval_;
  Periodic loop_;
};

}  // namespace blazed::queue
