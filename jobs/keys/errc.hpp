// Owns the error codes of jobs/keys: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::jobs::keys::errc {

BLAZED_ERROR_CODES("jobs/keys", rotation_busy, rotation_key_changed, rotation_fenced);

}  // namespace blazed::jobs::keys::errc
