// Owns the list of job types the daemon runs: one line per type, each registered by its own file.
#include "jobs/backup/backup_duty.hpp"
#include "jobs/job_context.hpp"
#include "jobs/keys/key_rotation_job.hpp"
#include "jobs/queue_probe/queue_probe_job.hpp"
#include "jobs/sync/sync_register.hpp"

namespace blazed::jobs {

Status register_job_types(queue::Handlers& handlers, JobContext& ctx) {
  // Job types register here, one call each: register_<type>(handlers, ctx).
  if (auto st = register_key_rotation(handlers, ctx); !st) return st;
  if (auto st = register_seller_sync(handlers, ctx); !st) return st;
  if (auto st = register_queue_probe(handlers, ctx); !st) return st;
  if (auto st = backup::register_backup_jobs(handlers, ctx); !st) return st;
  return {};
}

}  // namespace blazed::jobs
