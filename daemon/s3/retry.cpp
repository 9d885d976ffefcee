// Owns the backoff arithmetic and the default jitter source.
#include "s3/retry.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace blazed::s3 {

Jitter default_jitter() {
  auto gen = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [gen] { return std::uniform_real_distribution<double>(0.0, 1.0)(*gen); };
}

std::chrono::milliseconds backoff_delay(const RetryOptions& o, int attempt, bool slow_down,
                                        double unit_random) {
  const double base = static_cast<double>((slow_down ? o.slow_down_base_delay : o.base_delay).count());
  const double cap = static_cast<double>(o.max_delay.count());
  const double ceiling = std::min(cap, base * std::pow(2.0, std::clamp(attempt - 1, 0, 30)));
  const double r = std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(ceiling * r));
}

}  // namespace blazed::s3
