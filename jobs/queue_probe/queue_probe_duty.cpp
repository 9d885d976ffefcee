// Owns the queue probe duty's registration: one job type, scheduled only when configured.
#include "jobs/queue_probe/queue_probe_duty.hpp"

#include "jobs/queue_probe/queue_probe_job.hpp"

namespace blazed::jobs {

Duty queue_probe_duty() {
  Duty d;
  d.name = "queue_probe";
  d.doc = "docs/queue.md#probe-job-queue_probe";
  d.job_types = register_queue_probe;
  return d;
}

}  // namespace blazed::jobs
