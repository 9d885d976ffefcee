// Owns the audit duty: the audit trail's month partitions made ahead (hourly), its daily prune
// (audit_prune), and the auditor's export command (docs/audit.md).
#pragma once

#include "jobs/duty.hpp"

namespace blazed::jobs::audit {

Duty audit_duty();

}  // namespace blazed::jobs::audit
