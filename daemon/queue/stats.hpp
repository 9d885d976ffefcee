// Owns the processor's counters and histograms (outcomes, durations, pickup latency, lease
// recoveries), plain values the lead's metrics registry reads; no job data in them.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

namespace blazed::queue {

// Cumulative histogram with fixed bucket bounds in seconds (Prometheus style: counts[i] counts
// observations <= bounds[i]; the last bucket is +Inf).
class Histogram {
 public:
  static constexpr std::array<double, 14> bounds = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05,
                                                    0.1,    0.25,  0.5,   1,     2.5,   10,   60};
  void observe(std::chrono::microseconds d);
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  [[nodiscard]] double sum_seconds() const noexcept { return sum_; }
  // Observations <= bounds[i] (cumulative); i == bounds.size() is +Inf (== count()).
  [[nodiscard]] std::uint64_t cumulative(std::size_t i) const noexcept;

 private:
  std::array<std::uint64_t, bounds.size() + 1> buckets_{};
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

enum class Outcome { completed, retried, dead, lease_lost, handed_back, deferred };
std::string_view outcome_name(Outcome o);

// One settled run, for observers (metrics, the bench).
struct RunReport {
  std::int64_t id = 0;
  std::string type;
  Outcome outcome = Outcome::completed;
  int attempt = 1;
  std::chrono::microseconds duration{0};  // handler run time
  std::chrono::microseconds pickup{0};    // from runnable (ready) to claimed
};

struct ProcessorStats {
  std::uint64_t claimed = 0;
  std::uint64_t completed = 0;
  std::uint64_t retried = 0;
  std::uint64_t dead = 0;
  std::uint64_t unknown_type = 0;  // also counted in dead
  std::uint64_t timed_out = 0;     // attempts cancelled by the per-job timeout
  std::uint64_t lease_lost = 0;    // runs whose lease was recovered by someone else
  std::uint64_t handed_back = 0;   // returned to pending by a graceful stop
  std::uint64_t deferred = 0;      // rescheduled by the handler (defer_until), attempt not counted
  std::uint64_t claim_calls = 0;   // claim round trips (jobs per call = claimed / claim_calls)
  std::uint64_t paused_claims = 0;  // claim calls that found the queue paused (claimed nothing)
  Histogram duration;
  Histogram pickup_latency;
};

}  // namespace blazed::queue
