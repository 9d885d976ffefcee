// Owns the webhooks duty's registration (see webhooks_duty.hpp).
#include "jobs/webhooks/webhooks_duty.hpp"

#include "jobs/webhooks/webhook_job.hpp"

namespace blazed::jobs::webhooks {

Duty webhooks_duty() {
  return {.name = "webhooks", .doc = "docs/webhooks.md", .job_types = register_webhook_delivery};
}

}  // namespace blazed::jobs::webhooks
