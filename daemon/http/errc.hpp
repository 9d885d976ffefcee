// Owns the error codes of daemon/http: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::http::errc {

BLAZED_ERROR_CODES("daemon/http",
    http_bad_url, http_plain_refused, http_resolve_failed, http_connect_failed, http_timeout,
    http_io, http_protocol, http_too_large, tls_error, tls_verify_failed);

}  // namespace blazed::http::errc
