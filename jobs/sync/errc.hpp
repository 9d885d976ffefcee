// Owns the error codes of jobs/sync: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::jobs::sync::errc {

inline constexpr ErrorCode bad_payload{"bad_payload", "jobs/sync"};
inline constexpr ErrorCode seller_inactive{"seller_inactive", "jobs/sync"};
inline constexpr ErrorCode spapi_not_configured{"spapi_not_configured", "jobs/sync"};
inline constexpr ErrorCode sync_state_missing{"sync_state_missing", "jobs/sync"};
inline constexpr ErrorCode no_token{"no_token", "jobs/sync"};
inline constexpr ErrorCode defer{"defer", "jobs/sync"};
inline constexpr ErrorCode no_page{"no_page", "jobs/sync"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{
    bad_payload, seller_inactive, spapi_not_configured, sync_state_missing, no_token, defer, no_page
};

}  // namespace blazed::jobs::sync::errc
