// Owns the error codes shared by every layer: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::errc {

BLAZED_ERROR_CODES("daemon/core", timeout, cancelled, bad_config, not_found, bind, busy, forbidden);

}  // namespace blazed::errc
