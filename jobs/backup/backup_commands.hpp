// Owns the backup commands of the control socket: backup.run (enqueue one now), backup.list
// (the backups on every target, which are good, the region compliance lines, recent runs) and
// backup.restore (a backup into a database, refusing a non-empty one unless forced).
#pragma once

#include "control/registry.hpp"
#include "core/error.hpp"
#include "jobs/job_context.hpp"

namespace blazed::jobs::backup {

Status register_backup_commands(control::CommandRegistry& registry, JobContext& ctx);

}  // namespace blazed::jobs::backup
