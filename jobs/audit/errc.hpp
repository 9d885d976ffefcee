// Owns the error codes of jobs/audit: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::jobs::audit::errc {

BLAZED_ERROR_CODES("jobs/audit", audit_export_range);

}  // namespace blazed::jobs::audit::errc
