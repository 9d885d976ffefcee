// Owns the pii_purge job type (see purge_job.hpp).
#include "jobs/purge/purge_job.hpp"

#include "core/log.hpp"
#include "jobs/purge/errc.hpp"
#include "jobs/purge/purge_metrics.hpp"
#include "jobs/purge/purge_run.hpp"
#include "jobs/purge/purge_store.hpp"
#include "pg/pool.hpp"
#include "queue/handlers.hpp"
#include "queue/producer.hpp"

namespace blazed::jobs::purge {

namespace asio = boost::asio;

namespace {

asio::awaitable<queue::HandlerOutcome> purge_job(JobContext& ctx, const queue::Job& job) {
  log::Logger logger("purge");
  PurgeOptions options;
  options.retention = ctx.config.retention.raw_payloads;
  options.instance_id = ctx.instance_id;
  options.actor = "instance:" + ctx.instance_id;
  auto report = co_await run_purge(ctx.db, ctx.clock, options);
  if (!report) {
    if (report.error().code == errc::purge_running) {
      logger.info("another instance is purging; nothing to do", {{"job_id", job.id}});
      co_return queue::done();
    }
    co_return queue::retry(report.error());
  }
  PurgeMetrics(ctx.metrics, ctx.clock).record_run(*report, ctx.clock.now());
  if (auto st = co_await refresh_oldest(ctx); !st)
    logger.warn("reading the oldest raw payload failed", {{"error", st.error().message}});
  logger.info("raw payloads purged", {{"job_id", job.id},
                                      {"dropped_partitions", report->dropped_partitions},
                                      {"dropped_rows", report->dropped_rows},
                                      {"deleted_rows", report->deleted_rows},
                                      {"resumed", report->resumed}});
  co_return queue::done();
}

}  // namespace

Status register_purge_job(queue::Handlers& handlers, JobContext& ctx) {
  PurgeMetrics metrics(ctx.metrics, ctx.clock);  // the families exist from the start
  queue::JobType type;
  type.handler = [&ctx](const queue::Job& job) { return purge_job(ctx, job); };
  type.max_attempts = 5;
  type.timeout = std::chrono::hours(2);
  type.backoff_base = std::chrono::minutes(1);
  type.backoff_max = std::chrono::minutes(30);
  handlers.add(kPurgeJob, std::move(type));
  return {};
}

asio::awaitable<Result<PurgeEnqueued>> enqueue_purge(JobContext& ctx) {
  queue::EnqueueOptions options;
  options.unique_key = kPurgeUniqueKey;
  auto done = co_await ctx.producer(kPurgeQueue).enqueue(kPurgeJob, "{}", options);
  if (!done) co_return done.error();
  co_return PurgeEnqueued{done->id, done->duplicate};
}

asio::awaitable<Status> refresh_oldest(JobContext& ctx) {
  auto oldest = co_await oldest_raw_payload(ctx.db);
  if (!oldest) co_return oldest.error();
  PurgeMetrics(ctx.metrics, ctx.clock).record_oldest(*oldest);
  co_return Status{};
}

}  // namespace blazed::jobs::purge
