// Owns the error codes of jobs/incidents: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::jobs::incidents::errc {

BLAZED_ERROR_CODES("jobs/incidents", incident_not_found, incident_closed, incident_review_required);

}  // namespace blazed::jobs::incidents::errc
