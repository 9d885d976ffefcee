// Owns the error codes of daemon/spapi: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::spapi::errc {

inline constexpr ErrorCode invalid_argument{"invalid_argument", "daemon/spapi"};
inline constexpr ErrorCode lwa_error{"lwa_error", "daemon/spapi"};
inline constexpr ErrorCode lwa_invalid_client{"lwa_invalid_client", "daemon/spapi"};
inline constexpr ErrorCode lwa_invalid_grant{"lwa_invalid_grant", "daemon/spapi"};
inline constexpr ErrorCode lwa_malformed{"lwa_malformed", "daemon/spapi"};
inline constexpr ErrorCode lwa_server_error{"lwa_server_error", "daemon/spapi"};
inline constexpr ErrorCode lwa_throttled{"lwa_throttled", "daemon/spapi"};
inline constexpr ErrorCode spapi_malformed{"spapi_malformed", "daemon/spapi"};
inline constexpr ErrorCode spapi_invalid_input{"spapi_invalid_input", "daemon/spapi"};
inline constexpr ErrorCode spapi_unauthorized{"spapi_unauthorized", "daemon/spapi"};
inline constexpr ErrorCode spapi_not_found{"spapi_not_found", "daemon/spapi"};
inline constexpr ErrorCode spapi_throttled{"spapi_throttled", "daemon/spapi"};
inline constexpr ErrorCode spapi_server_error{"spapi_server_error", "daemon/spapi"};
inline constexpr ErrorCode spapi_unexpected_status{"spapi_unexpected_status", "daemon/spapi"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{
    invalid_argument, lwa_error, lwa_invalid_client, lwa_invalid_grant, lwa_malformed,
    lwa_server_error, lwa_throttled, spapi_malformed, spapi_invalid_input, spapi_unauthorized,
    spapi_not_found, spapi_throttled, spapi_server_error, spapi_unexpected_status
};

}  // namespace blazed::spapi::errc
