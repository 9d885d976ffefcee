// Owns the timing pieces of bench/rotation: one timed round of an operation, and the median and
// spread of several rounds (wall times on shared machines are noisy, so rounds of the things
// compared are interleaved and only medians and ratios are quoted).
#pragma once

#include <chrono>
#include <functional>
#include <vector>

namespace blazed::bench {

// Calls `op` (one unit of work, false on failure) in a loop for `round` of process CPU time;
// returns ops per CPU second.
// Aborts the program if `op` fails: a bench of a failing op is void.
double run_round(const std::function<bool()>& op, std::chrono::milliseconds round);

class Samples {
 public:
  void add(double v) { values_.push_back(v); }
  [[nodiscard]] double median() const;
  // (max - min) / median, to show how noisy the machine was.
  [[nodiscard]] double spread() const;
  [[nodiscard]] bool empty() const { return values_.empty(); }

 private:
  std::vector<double> values_;
};

}  // namespace blazed::bench
