// Owns the error codes of config: each declared once, each listed in docs/errors.md. A value that
// is missing or invalid is the shared blazed::errc::bad_config.
#pragma once

#include "core/error_code.hpp"

namespace blazed::config::errc {

BLAZED_ERROR_CODES("config", io_error, secret_unavailable);

}  // namespace blazed::config::errc
