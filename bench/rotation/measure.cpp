// Owns one timed round and the median/spread of rounds.
#include "measure.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace blazed::bench {

namespace {

// CPU time of this process: what `openssl speed` measures too (user time unless -elapsed), and
// unlike wall time it does not count the moments other jobs on a shared machine held the CPU.
struct CpuClock {
  using duration = std::chrono::nanoseconds;
  static duration now() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
  }
};

}  // namespace

double run_round(const std::function<bool()>& op, std::chrono::milliseconds round) {
  using clock = CpuClock;
  const auto start = clock::now();
  const auto until = start + round;
  std::uint64_t n = 0;
  auto now = start;
  // Read the clock every 64 ops so that reading it does not weigh on small ops.
  while (now < until) {
    for (int i = 0; i < 64; ++i, ++n)
      if (!op()) {
        std::fprintf(stderr, "bench: the measured operation failed\n");
        std::exit(1);
      }
    now = clock::now();
  }
  return static_cast<double>(n) / std::chrono::duration<double>(now - start).count();
}

double Samples::median() const {
  if (values_.empty()) return 0;
  std::vector<double> v = values_;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Samples::spread() const {
  if (values_.empty()) return 0;
  const auto [lo, hi] = std::minmax_element(values_.begin(), values_.end());
  const double m = median();
  return m > 0 ? (*hi - *lo) / m : 0;
}

}  // namespace blazed::bench
