// Owns the error codes of daemon/redis: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::redis::errc {

inline constexpr ErrorCode redis_unavailable{"redis_unavailable", "daemon/redis"};
inline constexpr ErrorCode redis_auth{"redis_auth", "daemon/redis"};
inline constexpr ErrorCode redis_error{"redis_error", "daemon/redis"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{redis_unavailable, redis_auth, redis_error};

}  // namespace blazed::redis::errc
