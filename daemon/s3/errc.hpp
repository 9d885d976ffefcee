// Owns the error codes of daemon/s3: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::s3::errc {

BLAZED_ERROR_CODES("daemon/s3",
    s3_bad_config, s3_credentials, s3_connection, s3_timeout, s3_tls, s3_protocol, s3_too_large,
    s3_limit, s3_aborted, s3_finished, s3_invalid_range, s3_not_found, s3_no_such_bucket,
    s3_no_such_upload, s3_slow_down, s3_unavailable, s3_access_denied, s3_precondition,
    s3_bad_request, s3_not_implemented);

}  // namespace blazed::s3::errc
