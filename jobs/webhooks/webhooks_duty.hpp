// Owns the webhooks duty's registration: the webhook_delivery job type (signed notices to the web
// app, docs/webhooks.md).
#pragma once

#include "jobs/duty.hpp"

namespace blazed::jobs::webhooks {

Duty webhooks_duty();

}  // namespace blazed::jobs::webhooks
