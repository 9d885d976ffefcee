// Owns the error codes of daemon/spapi: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::spapi::errc {

BLAZED_ERROR_CODES("daemon/spapi",
    invalid_argument, lwa_error, lwa_invalid_client, lwa_invalid_grant, lwa_malformed,
    lwa_server_error, lwa_throttled, spapi_malformed, spapi_invalid_input, spapi_unauthorized,
    spapi_not_found, spapi_throttled, spapi_server_error, spapi_unexpected_status);

}  // namespace blazed::spapi::errc
