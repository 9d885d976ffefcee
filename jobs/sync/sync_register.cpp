// Owns registering the seller_sync job type with its retry policy, and telling the cadence when a
// seller's sync completed.
#include "jobs/sync/sync_register.hpp"

#include "jobs/job_context.hpp"
#include "jobs/sync/seller_sync.hpp"
#include "jobs/sync/sync_due.hpp"
#include "jobs/sync/sync_metrics.hpp"
#include "queue/handlers.hpp"

#include <memory>

namespace blazed::jobs {

Status register_seller_sync(queue::Handlers& handlers, JobContext& ctx) {
  auto metrics = std::make_shared<sync::SyncMetrics>(ctx.metrics);
  queue::JobType type;
  type.handler = [&ctx, metrics](const queue::Job& job) -> boost::asio::awaitable<queue::HandlerOutcome> {
    auto request = sync::parse_sync_payload(job.payload);
    if (!request) co_return queue::permanent(request.error().message);
    request->run_id = job.run_id();
    auto outcome = co_await sync::run_seller_sync(ctx, *metrics, *request);
    if (outcome.is_done()) co_await sync::note_sync_completed(ctx, request->seller_id);
    co_return outcome;
  };
  // Rate-limit waits are deferrals (not attempts); attempts are real failures (5xx, network,
  // malformed pages), retried with backoff from the last committed page.
  type.max_attempts = 8;
  type.timeout = std::chrono::minutes(10);
  type.backoff_base = std::chrono::seconds(5);
  type.backoff_max = std::chrono::minutes(30);
  handlers.add(std::string(sync::kSellerSyncType), std::move(type));
  return {};
}

}  // namespace blazed::jobs
