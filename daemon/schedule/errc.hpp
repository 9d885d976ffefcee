// Owns the error codes of daemon/schedule: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::schedule::errc {

BLAZED_ERROR_CODES("daemon/schedule", bad_schedule, bad_time_zone);

}  // namespace blazed::schedule::errc
