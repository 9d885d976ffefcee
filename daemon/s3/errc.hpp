// Owns the error codes of daemon/s3: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::s3::errc {

inline constexpr ErrorCode s3_bad_config{"s3_bad_config", "daemon/s3"};
inline constexpr ErrorCode s3_credentials{"s3_credentials", "daemon/s3"};
inline constexpr ErrorCode s3_connection{"s3_connection", "daemon/s3"};
inline constexpr ErrorCode s3_timeout{"s3_timeout", "daemon/s3"};
inline constexpr ErrorCode s3_tls{"s3_tls", "daemon/s3"};
inline constexpr ErrorCode s3_protocol{"s3_protocol", "daemon/s3"};
inline constexpr ErrorCode s3_too_large{"s3_too_large", "daemon/s3"};
inline constexpr ErrorCode s3_limit{"s3_limit", "daemon/s3"};
inline constexpr ErrorCode s3_aborted{"s3_aborted", "daemon/s3"};
inline constexpr ErrorCode s3_finished{"s3_finished", "daemon/s3"};
inline constexpr ErrorCode s3_invalid_range{"s3_invalid_range", "daemon/s3"};
inline constexpr ErrorCode s3_not_found{"s3_not_found", "daemon/s3"};
inline constexpr ErrorCode s3_no_such_bucket{"s3_no_such_bucket", "daemon/s3"};
inline constexpr ErrorCode s3_no_such_upload{"s3_no_such_upload", "daemon/s3"};
inline constexpr ErrorCode s3_slow_down{"s3_slow_down", "daemon/s3"};
inline constexpr ErrorCode s3_unavailable{"s3_unavailable", "daemon/s3"};
inline constexpr ErrorCode s3_access_denied{"s3_access_denied", "daemon/s3"};
inline constexpr ErrorCode s3_precondition{"s3_precondition", "daemon/s3"};
inline constexpr ErrorCode s3_bad_request{"s3_bad_request", "daemon/s3"};
inline constexpr ErrorCode s3_not_implemented{"s3_not_implemented", "daemon/s3"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{
    s3_bad_config, s3_credentials, s3_connection, s3_timeout, s3_tls, s3_protocol, s3_too_large,
    s3_limit, s3_aborted, s3_finished, s3_invalid_range, s3_not_found, s3_no_such_bucket,
    s3_no_such_upload, s3_slow_down, s3_unavailable, s3_access_denied, s3_precondition,
    s3_bad_request, s3_not_implemented
};

}  // namespace blazed::s3::errc
