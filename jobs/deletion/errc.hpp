// Owns the error codes of jobs/deletion: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::jobs::deletion::errc {

inline constexpr ErrorCode deletion_already_requested{"deletion_already_requested", "jobs/deletion"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{deletion_already_requested};

}  // namespace blazed::jobs::deletion::errc
