// Owns RateLimiter: per (seller, SP-API operation) token buckets evaluated in Redis by one Lua
// script, with run-time rate changes (x-amzn-RateLimit-Limit) and slow-down after a 429.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "queue/keys.hpp"
#include "ratelimit/token_bucket.hpp"
#include "ratelimit/usage_plans.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace blazed::ratelimit {

struct Permit {
  bool granted = false;
  // When denied: the instant the tokens are due; the caller delays its job to exactly then
  // instead of retrying in a loop.
  Clock::time_point retry_at;
};

// Threading: like the RedisClient it uses, on that client's executor. Time comes from `clock`
// and is passed to the script, so buckets follow a ManualClock in tests (not Redis TIME).
class RateLimiter {
 public:
  struct Options {
    double slow_down_factor = 0.5;  // rate multiplier after a 429
    double min_rate = 0.0001;       // requests/s floor for slow_down
    static Options from(const config::RateLimitConfig& c) { return {c.slow_down_factor, c.min_rate}; }
  };

  RateLimiter(redis::RedisClient& redis, const Clock& clock, UsagePlans plans, Options options);
  RateLimiter(redis::RedisClient& redis, const Clock& clock, UsagePlans plans)
      : RateLimiter(redis, clock, std::move(plans), Options{}) {}

  // Takes n tokens (1 <= n <= burst) or says when they will be there. Fails
  // "unknown_operation", "bad_request" (n out of range) or with the Redis client's errors.
  boost::asio::awaitable<Result<Permit>> try_acquire(std::int64_t seller_id, std::string_view operation,
                                                     std::int64_t n = 1);
  // Sets the bucket's refill rate from now on (e.g. from x-amzn-RateLimit-Limit); tokens
  // accrued so far are kept. A rate above the plan's is clamped to it (a header can only slow
  // down, never past spapi's plan: raise rate_limit.plans for a seller with a bigger plan). A
  // rate <= 0 returns to the plan's rate.
  boost::asio::awaitable<Status> set_rate(std::int64_t seller_id, std::string_view operation,
                                          double rate_per_second);
  // After a 429: empties the bucket and multiplies its rate by the configured factor.
  boost::asio::awaitable<Status> slow_down(std::int64_t seller_id, std::string_view operation);
  // The stored bucket (nullopt: none, which is a full bucket at the plan's rate).
  boost::asio::awaitable<Result<std::optional<bucket::State>>> inspect(std::int64_t seller_id,
                                                                      std::string_view operation);

  [[nodiscard]] const UsagePlans& plans() const { return plans_; }

 private:
  struct ScriptResult {
    bool granted;
    std::int64_t retry_at_ms;
  };
  boost::asio::awaitable<Result<ScriptResult>> run(std::int64_t seller_id, std::string_view operation,
                                                   std::string_view op, std::int64_t arg);

  redis::RedisClient& redis_;
  const Clock& clock_;
  UsagePlans plans_;
  std::int64_t slow_down_ppm_;
  std::int64_t min_rate_micro_;
};

}  // namespace blazed::ratelimit
