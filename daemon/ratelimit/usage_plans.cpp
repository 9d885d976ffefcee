// Owns the built-in SP-API usage plan table and its config overrides.
#include "ratelimit/usage_plans.hpp"

#include "core/errc.hpp"
#include "ratelimit/errc.hpp"

#include <array>

namespace blazed::ratelimit {
namespace {

// Orders API 2026-01-01 and Finances 2024-06-19 default plans (requests/s, burst).
constexpr std::array<UsagePlan, 3> defaults = {{
    {"searchOrders", 0.0056, 20},
    {"getOrder", 0.5, 30},
    {"listTransactions", 0.5, 10},
}};

}  // namespace

std::span<const UsagePlan> default_usage_plans() { return defaults; }

Result<UsagePlans> UsagePlans::make(std::span<const config::RateLimitPlanConfig> overrides) {
  UsagePlans p;
  for (const auto& d : defaults) p.plans_.emplace(d.operation, bucket::to_limits(d.rate, d.burst).value());
  for (const auto& o : overrides) {
    if (o.operation.empty()) return make_error(blazed::errc::bad_config, "rate limit plan without an operation");
    auto limits = bucket::to_limits(o.rate, o.burst);
    if (!limits) return limits.error().context("rate limit plan '" + o.operation + "'");
    p.plans_.insert_or_assign(o.operation, *limits);
  }
  return p;
}

Result<bucket::Limits> UsagePlans::find(std::string_view operation) const {
  const auto it = plans_.find(operation);
  if (it == plans_.end()) {
    return make_error(errc::unknown_operation, "no usage plan for operation '" + std::string(operation) + "'");
  }
  return it->second;
}

}  // namespace blazed::ratelimit
