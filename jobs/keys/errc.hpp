// Owns the error codes of jobs/keys: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::jobs::keys::errc {

inline constexpr ErrorCode rotation_busy{"rotation_busy", "jobs/keys"};
inline constexpr ErrorCode rotation_key_changed{"rotation_key_changed", "jobs/keys"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{rotation_busy, rotation_key_changed};

}  // namespace blazed::jobs::keys::errc
