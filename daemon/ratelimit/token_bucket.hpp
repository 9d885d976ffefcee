// Owns the token-bucket arithmetic shared by the C++ code and the rate-limit Lua script: exact
// integer units (nano-tokens, micro-tokens per second, milliseconds) so both sides agree to the
// last unit. rate_limit.lua mirrors these functions line for line.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <optional>

namespace blazed::ratelimit::bucket {

// A token is 10^9 nano-tokens; a rate of r tokens/s is r * 10^6 micro-tokens/s, which is
// exactly the nano-tokens gained per millisecond. All values stay below 2^53, so Lua's doubles
// hold them exactly too.
inline constexpr std::int64_t nano_per_token = 1'000'000'000;
inline constexpr std::int64_t micro_per_token = 1'000'000;
inline constexpr std::int64_t max_burst = 1'000'000;                  // tokens
inline constexpr std::int64_t max_rate_micro = 1'000 * micro_per_token;  // 1000 tokens/s
inline constexpr std::int64_t ppm = 1'000'000;                          // slow_down factor unit

// A usage plan in exact units. rate_micro 1 is the slowest representable rate (10^-6 /s).
struct Limits {
  std::int64_t rate_micro = micro_per_token;
  std::int64_t burst = 1;
  friend bool operator==(const Limits&, const Limits&) = default;
};

// Converts a plan as SP-API documents it (0.0056 requests/s, burst 20), rounding the rate to
// the nearest micro-token per second; rejects rates and bursts outside the supported range.
Result<Limits> to_limits(double rate_per_second, std::int64_t burst);
// Rounds a rate (tokens/s) to micro-tokens/s within the supported range, at least 1.
std::int64_t rate_to_micro(double rate_per_second);

// What Redis keeps per bucket.
struct State {
  std::int64_t tokens = 0;      // nano-tokens
  std::int64_t updated_ms = 0;  // the clock reading the tokens were counted at
  std::int64_t rate_micro = 0;  // a run-time rate (set_rate / slow_down); 0 = the plan's
  friend bool operator==(const State&, const State&) = default;
};

// The rate in force: the run-time one if set, else the plan's.
std::int64_t effective_rate(const State& s, const Limits& plan);

// A missing bucket is a full one. Tokens accrue for the time since updated_ms, up to the burst;
// a clock reading behind updated_ms (another host's clock) accrues nothing and moves nothing.
State settle(const std::optional<State>& stored, const Limits& plan, std::int64_t now_ms);

struct Outcome {
  bool granted = false;
  std::int64_t retry_at_ms = 0;  // when denied: the first instant n tokens are there
  State state;                   // to store back
};
// Takes n tokens if present; otherwise says exactly when they will be (n <= burst).
Outcome acquire(const std::optional<State>& stored, const Limits& plan, std::int64_t n,
                std::int64_t now_ms);
// Settles at the old rate up to now, then switches rate (0 = back to the plan's).
State set_rate(const std::optional<State>& stored, const Limits& plan, std::int64_t rate_micro,
               std::int64_t now_ms);
// After a 429: the server's bucket is empty, so ours is too, and the rate is scaled by
// factor_ppm / 10^6 (floored), never below min_rate_micro.
State slow_down(const std::optional<State>& stored, const Limits& plan, std::int64_t factor_ppm,
                std::int64_t min_rate_micro, std::int64_t now_ms);
// How long Redis keeps the bucket: until it is full again (a missing bucket is full), plus 1 s.
std::int64_t ttl_ms(const State& s, const Limits& plan);

}  // namespace blazed::ratelimit::bucket
