// Owns the webhook_delivery job type: one signed POST of a notice to the web app (webhooks.url),
// retried with backoff while the receiver fails, dead after the last attempt; every attempt's
// outcome audited (webhook.delivered, webhook.failed). And what queues one (enqueue_webhook), the
// one way a duty tells the web app something.
#pragma once

#include "core/error.hpp"
#include "jobs/job_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace blazed::jobs::webhooks {

inline constexpr const char* kWebhookJob = "webhook_delivery";
inline constexpr const char* kWebhookQueue = "default";
inline constexpr int kWebhookAttempts = 8;  // about 2 hours of backoff before the job is dead

// What the web app is told. `event_id` is stable for one notice ("deletion:12"): a receiver that
// sees it twice (a retry after a lost answer) acts once.
struct Notice {
  std::string event;     // "deletion.completed", "incident.user_notice"
  std::string event_id;
  std::optional<std::int64_t> seller_id;  // for the audit trail; the body says it in `data` if it must
  boost::json::object data;               // ids, times, counts: never PII, never a secret
};

// Queues a delivery (one per event_id while it is queued or running). nullopt: webhooks.url is
// empty, nothing is sent.
boost::asio::awaitable<Result<std::optional<std::int64_t>>> enqueue_webhook(JobContext& ctx, const Notice& notice);

// The body POSTed for a notice: {"event", "id", "created_at", "data"}.
std::string webhook_body(const Notice& notice, Clock::time_point created_at);

// Registers webhook_delivery (payload: the notice and its creation time).
Status register_webhook_delivery(queue::Handlers& handlers, JobContext& ctx);

}  // namespace blazed::jobs::webhooks
