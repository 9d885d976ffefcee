// Owns the error codes of jobs/deletion: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::jobs::deletion::errc {

BLAZED_ERROR_CODES("jobs/deletion", deletion_already_requested);

}  // namespace blazed::jobs::deletion::errc
