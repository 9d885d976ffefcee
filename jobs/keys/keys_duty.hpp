// Owns the declaration of the keys duty's registration (keys_duty.cpp).
#pragma once

#include "jobs/duty.hpp"

namespace blazed::jobs {

// key_rotation, the keys.* commands, the credential-age gauges, and the start-up check that
// enqueues a rotation when rows are not under the active key.
Duty keys_duty();

}  // namespace blazed::jobs
