// Owns the capped exponential backoff with jitter used for reconnects (and job retries):
// attempt n waits a random time in [d/2, d] with d = min(cap, base * 2^n).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace blazed::redis {

template <class Rng>
std::chrono::milliseconds backoff_delay(unsigned attempt, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, Rng& rng) {
  std::int64_t d = base.count();
  for (unsigned i = 0; i < attempt && d < cap.count(); ++i) d *= 2;
  d = std::clamp<std::int64_t>(d, 1, std::max<std::int64_t>(cap.count(), 1));
  std::uniform_int_distribution<std::int64_t> jitter(d / 2, d);
  return std::chrono::milliseconds(jitter(rng));
}

}  // namespace blazed::redis
