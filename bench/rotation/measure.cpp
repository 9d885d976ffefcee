// Owns the median-of-rounds timing loop.
#include "measure.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace blazed::bench {

Rate measure(const std::function<bool()>& op, std::chrono::milliseconds round, int rounds) {
  using clock = std::chrono::steady_clock;
  std::vector<double> rates;
  for (int r = 0; r < rounds; ++r) {
    const auto start = clock::now();
    const auto until = start + round;
    std::uint64_t n = 0;
    auto now = start;
    // Check the clock every 64 ops so the clock read does not dominate small ops.
    while (now < until) {
      for (int i = 0; i < 64; ++i, ++n)
        if (!op()) {
          std::fprintf(stderr, "bench: the measured operation failed\n");
          std::exit(1);
        }
      now = clock::now();
    }
    rates.push_back(static_cast<double>(n) / std::chrono::duration<double>(now - start).count());
  }
  std::sort(rates.begin(), rates.end());
  const double median = rates[rates.size() / 2];
  return Rate{median, median > 0 ? (rates.back() - rates.front()) / median : 0};
}

}  // namespace blazed::bench
