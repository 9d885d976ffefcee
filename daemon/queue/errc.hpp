// Owns the error codes of daemon/queue: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::queue::errc {

BLAZED_ERROR_CODES("daemon/queue",
    redis_protocol, bad_job, bad_queue_name, conflict, permanent, exception);

}  // namespace blazed::queue::errc
