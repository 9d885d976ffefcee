// Owns the business-day arithmetic of deletion deadlines: a deadline is N business days after the
// request (Saturdays, Sundays and the configured holidays are not business days), in UTC.
#pragma once

#include "core/clock.hpp"

#include <chrono>
#include <vector>

namespace blazed::jobs::deletion {

// The published promise: an account's data is deleted within this many business days.
inline constexpr int kDeletionBusinessDays = 7;

bool is_business_day(std::chrono::sys_days day, const std::vector<std::chrono::sys_days>& holidays);

// The request's time of day on the `n`th business day after its own day (a request made on a
// weekend or holiday counts from the next business day the same way).
Clock::time_point add_business_days(Clock::time_point from, int n, const std::vector<std::chrono::sys_days>& holidays);

}  // namespace blazed::jobs::deletion
