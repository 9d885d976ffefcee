// Owns the audit_prune job type (see audit_prune_job.hpp).
#include "jobs/audit/audit_prune_job.hpp"

#include "core/log.hpp"
#include "jobs/audit/audit_maintenance.hpp"
#include "pg/pool.hpp"
#include "queue/handlers.hpp"

namespace blazed::jobs::audit {

namespace asio = boost::asio;

namespace {

asio::awaitable<queue::HandlerOutcome> audit_prune(JobContext& ctx, const queue::Job& job) {
  const auto retention = std::chrono::floor<std::chrono::days>(ctx.config.retention.audit);
  auto removed = co_await prune_expired(ctx.db, ctx.clock, retention, "instance:" + ctx.instance_id);
  if (!removed) co_return queue::retry(removed.error());
  log::Logger("audit").info("audit events pruned", {{"job_id", job.id}, {"removed", *removed},
                                                     {"retention_days", retention.count()}});
  co_return queue::done();
}

}  // namespace

Status register_audit_prune_job(queue::Handlers& handlers, JobContext& ctx) {
  queue::JobType type;
  type.handler = [&ctx](const queue::Job& job) { return audit_prune(ctx, job); };
  type.max_attempts = 5;
  type.timeout = std::chrono::minutes(30);
  type.backoff_base = std::chrono::minutes(1);
  type.backoff_max = std::chrono::minutes(30);
  handlers.add(kAuditPruneJob, std::move(type));
  return {};
}

}  // namespace blazed::jobs::audit
