// Owns the declaration of the compliance duty's registration (compliance_duty.cpp).
#pragma once

#include "jobs/duty.hpp"

namespace blazed::jobs::compliance {

// The compliance.report command, and the redaction self-test run once at start-up (its result
// logged; the report runs it again).
Duty compliance_duty();

}  // namespace blazed::jobs::compliance
