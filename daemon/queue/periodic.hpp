// Owns Periodic: runs one pass of a duty now and then every interval until stopped (the shared
// loop of the recoverer and the forwarder).
#pragma once

#include "core/error.hpp"

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

}  // namespace blazed::queue
