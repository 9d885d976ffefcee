// Owns the declaration of the account deletion duty's registration (deletion_duty.cpp).
#pragma once

#include "jobs/duty.hpp"

namespace blazed::jobs::deletion {

// The seller_deletion job type, the sellers.delete and deletions.list commands, the metrics, and
// the background pass every minute: the web app's deletion_requests rows picked up, every open
// request queued (idempotent), pending and overdue counted.
Duty deletion_duty();

}  // namespace blazed::jobs::deletion
