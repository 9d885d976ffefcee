// Owns PeriodicDuty: the shared shape of the recoverer and the forwarder, queue duties that any
// instance may run every interval on a core Periodic loop.
#pragma once

#include "core/clock.hpp"
#include "core/periodic.hpp"
#include "queue/keys.hpp"
#include "redis/client.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace blazed::queue {

class PeriodicDuty {
 public:
  PeriodicDuty(const PeriodicDuty&) = delete;
  PeriodicDuty& operator=(const PeriodicDuty&) = delete;
  void stop() { loop_.stop(); }

 protected:
  PeriodicDuty(redis::RedisClient& client, QueueKeys keys, const Clock& clock,
               std::chrono::milliseconds interval)
      : client_(client), keys_(std::move(keys)), clock_(clock), interval_(interval),
        loop_(client.get_executor(), clock) {}
  ~PeriodicDuty() { loop_.stop(); }
  void start_loop(std::string duty, std::function<boost::asio::awaitable<Status>()> pass) {
    loop_.start(interval_, {"queue", std::move(duty), "queue", keys_.queue()}, std::move(pass));
  }

  redis::RedisClient& client_;
  QueueKeys keys_;
  const Clock& clock_;
  std::chrono::milliseconds interval_;
  Periodic loop_;
};

}  // namespace blazed::queue
