// Owns the declaration of the sync duty's registration (sync_duty.cpp).
#pragma once

#include "jobs/duty.hpp"

namespace blazed::jobs::sync {

// seller_sync, the sellers.list and sync commands, and the per-seller cadence.
Duty sync_duty();

}  // namespace blazed::jobs::sync
