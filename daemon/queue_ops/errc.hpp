// Owns the error codes of daemon/queue_ops: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::queue_ops::errc {

inline constexpr ErrorCode unavailable{"unavailable", "daemon/queue_ops"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{unavailable};

}  // namespace blazed::queue_ops::errc
