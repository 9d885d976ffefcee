// Owns the audit_prune job type: the daily prune of audit months older than retention.audit.
#pragma once

#include "core/error.hpp"
#include "jobs/job_context.hpp"

namespace blazed::jobs::audit {

inline constexpr const char* kAuditPruneJob = "audit_prune";
inline constexpr const char* kAuditQueue = "default";

// Registers audit_prune (payload {}): retried with backoff on a failure (a lock timeout,
// PostgreSQL down).
Status register_audit_prune_job(queue::Handlers& handlers, JobContext& ctx);

}  // namespace blazed::jobs::audit
