// Owns Periodic: runs one pass of a duty now and then every interval until stopped. The queue's
// recoverer and forwarder and the daemon's background refreshes all loop through it.
#pragma once

#include "core/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace blazed {

class Periodic {
 public:
  explicit Periodic(const boost::asio::any_io_executor& ex)
      : state_(std::make_shared<State>(ex)) {}
  ~Periodic() { stop(); }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  // Runs `pass` every `interval`; a failed pass is logged by `component` as "<duty> failed",
  // with the field `subject_key`: `subject` (e.g. "queue": "sync").
  // `pass` may outlive its owner by one wake-up: after each co_await it checks stopped().
  struct Labels {
    std::string component;
    std::string duty;
    std::string subject_key;
    std::string subject;
  };
  void start(std::chrono::milliseconds interval, Labels labels,
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

}  // namespace blazed
