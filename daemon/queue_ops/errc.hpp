// Owns the error codes of daemon/queue_ops: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::queue_ops::errc {

BLAZED_ERROR_CODES("daemon/queue_ops", unavailable);

}  // namespace blazed::queue_ops::errc
