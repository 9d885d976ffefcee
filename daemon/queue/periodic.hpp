// Owns Periodic (runs one pass of a duty now and then every interval until stopped) and
// PeriodicDuty, the shared shape of the recoverer and the forwarder.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "queue/keys.hpp"
#include "redis/client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace blazed::queue {

class Periodic {
 public:
  explicit Periodic(const boost::asio::any_io_executor& ex)
      : state_(std::make_shared<State>(ex)) {}
  ~Periodic() { stop(); }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  // Runs `pass` every `interval`; a failed pass is logged as "<duty> failed" for `queue`.
  // `pass` may outlive its owner by one wake-up: after each co_await it checks stopped().
  void start(std::chrono::milliseconds interval, std::string duty, std::string queue,
             std::function<boost::asio::awaitable<Status>()> pass);
  void stop();
  // Shared with the loop, so a pass can tell whether its owner is gone.
  [[nodiscard]] std::shared_ptr<const bool> stopped() const {
    return {state_, &state_->stopped};
  }

 private:
  struct State {
    explicit State(const boost::asio::any_io_executor& ex) : timer(ex) {}
    bool stopped = false;
    boost::asio::steady_timer timer;
  };
  std::shared_ptr<State> state_;
};

// A queue duty that any instance may run every interval (recover, forward).
class PeriodicDuty {
 public:
  PeriodicDuty(const PeriodicDuty&) = delete;
  PeriodicDuty& operator=(const PeriodicDuty&) = delete;
  void stop() { loop_.stop(); }

 protected:
  PeriodicDuty(redis::RedisClient& client, QueueKeys keys, const Clock& clock,
               std::chrono::milliseconds interval)
      : client_(client), keys_(std::move(keys)), clock_(clock), interval_(interval),
        loop_(client.get_executor()) {}
  ~PeriodicDuty() { loop_.stop(); }
  void start_loop(std::string duty, std::function<boost::asio::awaitable<Status>()> pass) {
    loop_.start(interval_, std::move(duty), keys_.queue(), std::move(pass));
  }

  redis::RedisClient& client_;
  QueueKeys keys_;
  const Clock& clock_;
  std::chrono::milliseconds interval_;
  Periodic loop_;
};

}  // namespace blazed::queue
