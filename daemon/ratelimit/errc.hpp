// Owns the error codes of daemon/ratelimit: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::ratelimit::errc {

BLAZED_ERROR_CODES("daemon/ratelimit", bad_request, unknown_operation);

}  // namespace blazed::ratelimit::errc
