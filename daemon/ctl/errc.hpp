// Owns the error codes of daemon/ctl: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::ctl::errc {

inline constexpr ErrorCode connect{"connect", "daemon/ctl"};
inline constexpr ErrorCode eof{"eof", "daemon/ctl"};
inline constexpr ErrorCode io{"io", "daemon/ctl"};
inline constexpr ErrorCode bad_reply{"bad_reply", "daemon/ctl"};
inline constexpr ErrorCode empty_secret{"empty_secret", "daemon/ctl"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{connect, eof, io, bad_reply, empty_secret};

}  // namespace blazed::ctl::errc
