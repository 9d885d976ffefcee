// Owns the injectable clock: production code asks a Clock for the time so that tests can
// advance a ManualClock instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>

namespace blazed {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using duration = std::chrono::system_clock::duration;

  virtual ~Clock() = default;
  // Wall-clock time (UTC); what schedules, cursors and audit events use.
  [[nodiscard]] virtual time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] time_point now() const override { return std::chrono::system_clock::now(); }
  // The process-wide instance, for composition roots.
  static const SystemClock& instance() {
    static const SystemClock clock;
    return clock;
  }
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point{std::chrono::seconds{1'700'000'000}})
      : now_(start.time_since_epoch().count()) {}
  [[nodiscard]] time_point now() const override { return time_point{duration{now_.load()}}; }
  void advance(duration d) { now_ += d.count(); }
  void set(time_point t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<duration::rep> now_;
};

// Milliseconds since the Unix epoch, the unit every Redis score and timestamp uses.
inline std::int64_t unix_millis(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace blazed
