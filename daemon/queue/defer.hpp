// Owns the "defer" handler outcome: a handler that cannot proceed yet (no rate-limit token, an
// upstream asking to come back later) returns defer_until(t) and the job is rescheduled for t
// without counting an attempt.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace blazed::queue {

// The Error code of a deferral. The processor recognises it; anything else fails the attempt.
inline constexpr std::string_view defer_code = "defer";

// What a handler returns to run the same job again at `when` (scheduled state, attempt not
// counted, group released meanwhile). `why` is a short reason for logs; no secrets or PII.
Error defer_until(Clock::time_point when, std::string_view why);

// The time (Unix ms) a deferral asks for, or nullopt when `e` is not one made by defer_until().
std::optional<std::int64_t> deferred_until_ms(const Error& e);

// The same as a time point, for handlers that pass a deferral on.
inline std::optional<Clock::time_point> deferred_until(const Error& e) {
  auto ms = deferred_until_ms(e);
  if (!ms) return std::nullopt;
  return Clock::time_point(std::chrono::milliseconds(*ms));
}

}  // namespace blazed::queue
