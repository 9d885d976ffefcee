// Owns the error codes shared by every layer: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::errc {

inline constexpr ErrorCode timeout{"timeout", "daemon/core"};
inline constexpr ErrorCode cancelled{"cancelled", "daemon/core"};
inline constexpr ErrorCode bad_config{"bad_config", "daemon/core"};
inline constexpr ErrorCode not_found{"not_found", "daemon/core"};
inline constexpr ErrorCode bind{"bind", "daemon/core"};
inline constexpr ErrorCode busy{"busy", "daemon/core"};
inline constexpr ErrorCode forbidden{"forbidden", "daemon/core"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{timeout, cancelled, bad_config, not_found, bind, busy, forbidden};

}  // namespace blazed::errc
