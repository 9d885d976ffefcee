// Owns the error codes of daemon/ratelimit: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::ratelimit::errc {

inline constexpr ErrorCode bad_request{"bad_request", "daemon/ratelimit"};
inline constexpr ErrorCode unknown_operation{"unknown_operation", "daemon/ratelimit"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{bad_request, unknown_operation};

}  // namespace blazed::ratelimit::errc
