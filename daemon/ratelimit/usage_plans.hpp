// Owns the SP-API usage plans the rate limiter starts from: one built-in table of defaults,
// overridable per operation from the config.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "ratelimit/token_bucket.hpp"

#include <map>
#include <span>
#include <string>
#include <string_view>

namespace blazed::ratelimit {

struct UsagePlan {
  std::string_view operation;  // SP-API operation name
  double rate;                 // requests per second
  std::int64_t burst;
};

// SP-API's documented default plans for the operations blazed calls.
std::span<const UsagePlan> default_usage_plans();

// The plans in force: the defaults, with config overrides applied.
class UsagePlans {
 public:
  // Fails "bad_config" naming the operation when an override is out of range.
  static Result<UsagePlans> make(std::span<const config::RateLimitPlanConfig> overrides = {});

  // "unknown_operation" for an operation with no plan (a typo must not mean "unlimited").
  [[nodiscard]] Result<bucket::Limits> find(std::string_view operation) const;
  [[nodiscard]] const std::map<std::string, bucket::Limits, std::less<>>& all() const { return plans_; }

 private:
  std::map<std::string, bucket::Limits, std::less<>> plans_;
};

}  // namespace blazed::ratelimit
