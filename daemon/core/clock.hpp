// Owns the injectable clock: production code asks a Clock for the time and waits on it, so that
// tests advance a ManualClock instead of sleeping.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

namespace blazed {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using duration = std::chrono::system_clock::duration;
  using WaitHandler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

  virtual ~Clock() = default;
  // Wall-clock time (UTC); what schedules, cursors and audit events use.
  [[nodiscard]] virtual time_point now() const = 0;

  // Completes once this clock reaches `t` (no error), or with operation_aborted when the
  // token's cancellation slot is emitted (e.g. bound with bind_cancellation_slot, or the `||` of
  // awaitable_operators, or a cancelled coroutine). Like a timer: the completion runs on `ex`
  // (or the token's associated executor) and the wait counts as work on it.
  // `co_await clock.wait_until(ex, t, as_tuple(use_awaitable))` is the usual form.
  template <class Token>
  auto wait_until(const boost::asio::any_io_executor& ex, time_point t, Token&& token) const {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler, const boost::asio::any_io_executor& e, time_point at) {
          start_wait(e, at, WaitHandler(std::move(handler)));
        },
        token, ex, t);
  }
  template <class Token>
  auto wait_for(const boost::asio::any_io_executor& ex, duration d, Token&& token) const {
    return wait_until(ex, now() + d, std::forward<Token>(token));
  }

 protected:
  virtual void start_wait(const boost::asio::any_io_executor& ex, time_point t,
                          WaitHandler handler) const = 0;
};

// The real clock. A wait is measured on the steady clock from when it starts (t - now()), so a
// step of the wall clock (NTP, an operator) neither fires nor holds back a pending timeout.
class SystemClock final : public Clock {
 public:
  [[nodiscard]] time_point now() const override { return std::chrono::system_clock::now(); }
  // The process-wide instance, for composition roots.
  static const SystemClock& instance() {
    static const SystemClock clock;
    return clock;
  }

 protected:
  void start_wait(const boost::asio::any_io_executor& ex, time_point t,
                  WaitHandler handler) const override;
};

// A clock that only moves when told to. advance()/set() complete the waits they pass, each
// posted to its own executor (so they may be called from any thread). Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point{std::chrono::seconds{1'700'000'000}});
  ~ManualClock() override;
  [[nodiscard]] time_point now() const override { return time_point{duration{now_.load()}}; }
  void advance(duration d);
  void set(time_point t);
  // Waits not yet completed nor cancelled (tests use it to know a loop has gone to sleep).
  [[nodiscard]] std::size_t waiting() const;

 protected:
  void start_wait(const boost::asio::any_io_executor& ex, time_point t,
                  WaitHandler handler) const override;

 private:
  struct Waiters;
  void fire_due();
  std::atomic<duration::rep> now_;
  std::shared_ptr<Waiters> waiters_;  // shared with cancellation handlers
};

// Milliseconds since the Unix epoch, the unit every Redis score and timestamp uses.
inline std::int64_t unix_millis(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace blazed
