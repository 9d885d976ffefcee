// Owns the backup duty's place in the daemon, in one file so it moves easily: the job types
// (backup, backup_prune, restore_drill) with their handlers, their default schedules, enqueueing
// a backup on demand, and the start-up check of the targets' regions.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
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

// Registers the three job types (payload {}). Each run records a backup_runs row, an audit
// event (actions backup, backup.prune, backup.drill) and its metrics. With no targets
// configured, a run fails permanently (backup_no_targets).
Status register_backup_jobs(queue::Handlers& handlers, JobContext& ctx);

// The schedules the duty adds when targets are configured (names backup, backup_prune,
// restore_drill; group backup); one of the same name in `schedules` wins.
std::vector<config::ScheduleConfig> backup_schedules(const config::Config& config);
// `configured` plus backup_schedules(), for the scheduler.
config::SchedulerConfig with_backup_schedules(const config::SchedulerConfig& configured, const config::Config& config);

struct BackupEnqueued {
  std::int64_t job_id = 0;
  bool duplicate = false;
};
// `backup.run`: a backup now (the one already queued or running, if any).
boost::asio::awaitable<Result<BackupEnqueued>> enqueue_backup(JobContext& ctx);

// Start-up: warns about each target in backup.primary_region.
void warn_same_region_targets(const config::Config& config);

}  // namespace blazed::jobs::backup
