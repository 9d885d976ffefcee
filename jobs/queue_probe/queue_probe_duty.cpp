// Owns the queue probe duty's registration: one job type, scheduled only when configured.
#include "jobs/queue_probe/queue_probe_duty.hpp"

#include "jobs/queue_probe/queue_probe_job.hpp"

namespace blazed::jobs {

Duty queue_probe_duty() {
  return {.name = "queue_probe",
          .doc = "docs/queue.md#probe-job-queue_probe",
          .job_types = register_queue_probe};
}

}  // namespace blazed::jobs
