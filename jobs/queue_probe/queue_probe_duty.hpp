// Owns the declaration of the queue probe duty's registration (queue_probe_duty.cpp).
#pragma once

#include "jobs/duty.hpp"

namespace blazed::jobs {

// The queue_probe job type (its metric is registered by the job type itself).
Duty queue_probe_duty();

}  // namespace blazed::jobs
