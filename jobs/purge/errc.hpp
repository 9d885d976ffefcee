// Owns the error codes of jobs/purge: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::jobs::purge::errc {

inline constexpr ErrorCode purge_running{"purge_running", "jobs/purge"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{purge_running};

}  // namespace blazed::jobs::purge::errc
