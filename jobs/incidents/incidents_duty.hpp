// Owns the incidents duty's registration: its commands, its metrics and their refresh every
// minute (deadlines move with time, not only with commands).
#pragma once

#include "jobs/duty.hpp"

namespace blazed::jobs::incidents {

Duty incidents_duty();

}  // namespace blazed::jobs::incidents
