// Owns registering the seller_sync job type with its retry policy.
#include "jobs/sync/sync_register.hpp"

#include "jobs/job_context.hpp"
#include "jobs/sync/seller_sync.hpp"
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
    co_return co_await sync::run_seller_sync(ctx, *metrics, *request);
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
