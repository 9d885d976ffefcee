// Owns ISO 8601 time text for SP-API: formatting request parameters and parsing response times.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <string>
#include <string_view>

namespace blazed::spapi {

// "2024-12-25T00:00:00Z", with ".mmm" only when the time has milliseconds (UTC, truncated to ms).
std::string format_iso8601(Clock::time_point t);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss[.fff...]]" followed by "Z" or "+hh:mm"/"-hh:mm"
// (a date-time without a zone is refused), years 1900-2200. Fails with `spapi_malformed`.
Result<Clock::time_point> parse_iso8601(std::string_view text);

}  // namespace blazed::spapi
