// Owns the error codes of daemon/http: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::http::errc {

inline constexpr ErrorCode http_bad_url{"http_bad_url", "daemon/http"};
inline constexpr ErrorCode http_plain_refused{"http_plain_refused", "daemon/http"};
inline constexpr ErrorCode http_resolve_failed{"http_resolve_failed", "daemon/http"};
inline constexpr ErrorCode http_connect_failed{"http_connect_failed", "daemon/http"};
inline constexpr ErrorCode http_timeout{"http_timeout", "daemon/http"};
inline constexpr ErrorCode http_io{"http_io", "daemon/http"};
inline constexpr ErrorCode http_protocol{"http_protocol", "daemon/http"};
inline constexpr ErrorCode http_too_large{"http_too_large", "daemon/http"};
inline constexpr ErrorCode tls_error{"tls_error", "daemon/http"};
inline constexpr ErrorCode tls_verify_failed{"tls_verify_failed", "daemon/http"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{
    http_bad_url, http_plain_refused, http_resolve_failed, http_connect_failed, http_timeout,
    http_io, http_protocol, http_too_large, tls_error, tls_verify_failed
};

}  // namespace blazed::http::errc
