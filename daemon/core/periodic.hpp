// Owns Periodic: runs one pass of a duty now and then every interval until stopped. The queue's
// recoverer and forwarder and the daemon's background refreshes all loop through it. The interval
// is waited on the injected Clock, so tests advance it.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace blazed {

class Periodic {
 public:
  // `clock` must outlive the loop (which may run one wake-up past this object).
  Periodic(const boost::asio::any_io_executor& ex, const Clock& clock)
      : state_(std::make_shared<State>(ex, clock)) {}
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
    State(const boost::asio::any_io_executor& executor, const Clock& c) : ex(executor), clock(c) {}
    bool stopped = false;
    boost::asio::any_io_executor ex;
    const Clock& clock;
    boost::asio::cancellation_signal wake;  // ends the wait between passes
  };
  std::shared_ptr<State> state_;
};

}  // namespace blazed
