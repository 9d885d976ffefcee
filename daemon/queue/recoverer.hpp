// Owns Recoverer: finds jobs whose lease expired (their worker was killed, hung or partitioned)
// and puts them back to pending, so a crashed instance loses nothing. Any instance may run it.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "queue/keys.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace blazed::queue {

using boost::asio::awaitable;

class Recoverer {
 public:
  Recoverer(redis::RedisClient& client, QueueKeys keys, const Clock& clock,
            std::chrono::milliseconds interval);
  ~Recoverer();

  // Runs recover_once() every interval until stop().
  void start();
  void stop();
  // One pass (up to 1000 jobs per script call, repeated while full); returns how many went back.
  awaitable<Result<std::uint64_t>> recover_once();
  // Lease recoveries done by this instance since start.
  [[nodiscard]] std::uint64_t recovered() const noexcept { return state_->recovered; }

 private:
  struct State {
    bool stopped = false;
    std::uint64_t recovered = 0;
    explicit State(const boost::asio::any_io_executor& ex) : timer(ex) {}
    boost::asio::steady_timer timer;
  };
  redis::RedisClient& client_;
  QueueKeys keys_;
  const Clock& clock_;
  std::chrono::milliseconds interval_;
  std::shared_ptr<State> state_;
};

}  // namespace blazed::queue
