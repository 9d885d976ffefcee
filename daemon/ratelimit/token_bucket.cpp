// Owns the exact token-bucket arithmetic (mirrored by rate_limit.lua).
#include "ratelimit/token_bucket.hpp"

#include "core/errc.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace blazed::ratelimit::bucket {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

}  // namespace

std::int64_t rate_to_micro(double rate_per_second) {
  const double micro = std::round(rate_per_second * static_cast<double>(micro_per_token));
  if (!(micro >= 1.0)) return 1;  // also NaN
  if (micro >= static_cast<double>(max_rate_micro)) return max_rate_micro;
  return static_cast<std::int64_t>(micro);
}

Result<Limits> to_limits(double rate_per_second, std::int64_t burst) {
  if (!(rate_per_second > 0) || rate_per_second * micro_per_token < 0.5 ||
      rate_per_second > static_cast<double>(max_rate_micro / micro_per_token)) {
    return make_error(blazed::errc::bad_config, "rate must be between 0.000001 and 1000 requests per second");
  }
  if (burst < 1 || burst > max_burst) {
    return make_error(blazed::errc::bad_config, "burst must be between 1 and " + std::to_string(max_burst));
  }
  return Limits{rate_to_micro(rate_per_second), burst};
}

std::int64_t effective_rate(const State& s, const Limits& plan) {
  return s.rate_micro > 0 ? s.rate_micro : plan.rate_micro;
}

State settle(const std::optional<State>& stored, const Limits& plan, std::int64_t now_ms) {
  const std::int64_t cap = plan.burst * nano_per_token;
  if (!stored) return State{cap, now_ms, 0};
  State s = *stored;
  const std::int64_t rate = effective_rate(s, plan);
  if (s.tokens > cap) s.tokens = cap;  // the burst was lowered
  if (now_ms > s.updated_ms) {
    const std::int64_t elapsed = now_ms - s.updated_ms;
    const std::int64_t room = cap - s.tokens;
    // elapsed * rate >= room, without the product (it can pass 2^63 after a long idle time).
    s.tokens = elapsed >= ceil_div(room, rate) ? cap : s.tokens + elapsed * rate;
    s.updated_ms = now_ms;
  }
  return s;
}

Outcome acquire(const std::optional<State>& stored, const Limits& plan, std::int64_t n,
                std::int64_t now_ms) {
  Outcome out;
  out.state = settle(stored, plan, now_ms);
  const std::int64_t need = n * nano_per_token;
  if (out.state.tokens >= need) {
    out.state.tokens -= need;
    out.granted = true;
  } else {
    out.retry_at_ms =
        out.state.updated_ms + ceil_div(need - out.state.tokens, effective_rate(out.state, plan));
  }
  return out;
}

State set_rate(const std::optional<State>& stored, const Limits& plan, std::int64_t rate_micro,
               std::int64_t now_ms) {
  State s = settle(stored, plan, now_ms);
  s.rate_micro = rate_micro;
  return s;
}

State slow_down(const std::optional<State>& stored, const Limits& plan, std::int64_t factor_ppm,
                std::int64_t min_rate_micro, std::int64_t now_ms) {
  State s = settle(stored, plan, now_ms);
  s.rate_micro = std::max(min_rate_micro, effective_rate(s, plan) * factor_ppm / ppm);
  s.tokens = 0;
  return s;
}

std::int64_t ttl_ms(const State& s, const Limits& plan) {
  return ceil_div(plan.burst * nano_per_token - s.tokens, effective_rate(s, plan)) + 1000;
}

}  // namespace blazed::ratelimit::bucket
