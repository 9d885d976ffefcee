// Owns the backup duty's registration: the job types (backup, backup_prune, restore_drill) with
// their handlers, their default schedules, enqueueing a backup on demand, and the start-up check
// of the targets' regions.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "jobs/duty.hpp"
#include "jobs/job_context.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace blazed::jobs::backup {

inline constexpr const char* kBackupJob = "backup";
inline constexpr const char* kPruneJob = "backup_prune";
inline constexpr const char* kDrillJob = "restore_drill";
inline constexpr const char* kBackupQueue = "default";
// One backup duty at a time across all instances: a backup, a prune and a drill never overlap.
inline constexpr const char* kBackupGroup = "backup";
inline constexpr const char* kBackupUniqueKey = "backup";

// The duty's registration (jobs/duties.cpp): the three job types (payload {}), the backup.*
// commands, the metrics, the default schedules (backup daily at 03:00 UTC, backup_prune at 04:30,
// restore_drill quarterly; group backup; a configured schedule of the same name replaces one),
// and the start-up warning about targets in backup.primary_region (logged, and the gauge
// blazed_backup_target_off_site set to 0 for them). Each run records a
// backup_runs row, an audit event (actions backup, backup.prune, backup.drill) and its metrics.
// With no targets configured a run does nothing and succeeds (backups are off).
Duty backup_duty();

// The three job types; what backup_duty() registers.
Status register_backup_jobs(queue::Handlers& handlers, JobContext& ctx);
std::vector<config::ScheduleConfig> backup_schedules();

struct BackupEnqueued {
  std::int64_t job_id = 0;
  bool duplicate = false;
};
// `backup.run`: a backup now (the one already queued or running, if any).
boost::asio::awaitable<Result<BackupEnqueued>> enqueue_backup(JobContext& ctx);

// Start-up: warns about each target in backup.primary_region.
void warn_same_region_targets(const config::Config& config);

}  // namespace blazed::jobs::backup
