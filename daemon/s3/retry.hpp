// Owns the retry schedule of S3 requests: exponential backoff with full jitter, the randomness
// injected so tests can fix it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace blazed::s3 {

struct RetryOptions {
  int max_attempts = 6;  // first try included
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{20'000};
  // SlowDown asks us to back off harder: its delays start from this instead.
  std::chrono::milliseconds slow_down_base_delay{1'000};
};

// A number in [0, 1); production draws from a seeded generator, tests inject a sequence.
using Jitter = std::function<double()>;
Jitter default_jitter();

// "Full jitter": uniform in [0, min(max, base * 2^(attempt-1))], attempt counted from 1.
std::chrono::milliseconds backoff_delay(const RetryOptions& options, int attempt, bool slow_down,
                                        double unit_random);

}  // namespace blazed::s3
