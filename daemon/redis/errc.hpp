// Owns the error codes of daemon/redis: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::redis::errc {

BLAZED_ERROR_CODES("daemon/redis", redis_unavailable, redis_auth, redis_error, redis_no_master);

}  // namespace blazed::redis::errc
