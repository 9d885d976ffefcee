// Owns the error codes of daemon/schedule: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::schedule::errc {

inline constexpr ErrorCode bad_schedule{"bad_schedule", "daemon/schedule"};
inline constexpr ErrorCode bad_time_zone{"bad_time_zone", "daemon/schedule"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{bad_schedule, bad_time_zone};

}  // namespace blazed::schedule::errc
