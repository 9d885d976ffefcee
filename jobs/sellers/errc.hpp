// Owns the error codes of jobs/sellers: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::jobs::sellers::errc {

inline constexpr ErrorCode seller_not_found{"seller_not_found", "jobs/sellers"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{seller_not_found};

}  // namespace blazed::jobs::sellers::errc
