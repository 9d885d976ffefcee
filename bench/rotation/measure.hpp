// Owns the timing loop of bench/rotation: run an operation repeatedly for a while, several
// rounds, and report the median rate (wall times on shared machines are noisy).
#pragma once

#include <chrono>
#include <functional>

namespace blazed::bench {

struct Rate {
  double ops_per_second = 0;  // median over the rounds
  double spread = 0;          // (max - min) / median over the rounds
};

// Calls `op` (which does one unit of work and returns false on failure) in a loop for `round`
// per round, `rounds` times. Aborts the program if `op` fails: a bench of a failing op is void.
Rate measure(const std::function<bool()>& op, std::chrono::milliseconds round, int rounds);

}  // namespace blazed::bench
