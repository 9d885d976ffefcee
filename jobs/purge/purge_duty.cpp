// Owns the PII purge duty's registration and its background work (see purge_duty.hpp).
#include "jobs/purge/purge_duty.hpp"

#include "core/log.hpp"
#include "core/log_failure.hpp"
#include "jobs/purge/purge_commands.hpp"
#include "jobs/purge/purge_job.hpp"
#include "jobs/purge/purge_metrics.hpp"
#include "jobs/purge/purge_store.hpp"
#include "jobs/repeat.hpp"
#include "pg/pool.hpp"

namespace blazed::jobs::purge {

namespace asio = boost::asio;

namespace {

constexpr int kDaysAhead = 7;
constexpr std::chrono::hours kMaintenanceInterval{1};

// Partitions ahead, so that a sync never has to make today's; and the age metric kept current.
asio::awaitable<void> maintain(JobContext& ctx) {
  log::Logger logger("purge");
  const Day today = day_of(ctx.clock.now());
  if (auto made = co_await ensure_partitions(ctx.db, today, today + std::chrono::days(kDaysAhead)); !made)
    log::failure(logger, "making raw_payloads partitions failed", made.error());
  else if (*made > 0)
    logger.info("raw_payloads partitions made", {{"count", *made}});
  if (auto st = co_await refresh_oldest(ctx); !st)
    log::failure(logger, "reading the oldest raw payload failed", st.error());
}

}  // namespace

std::vector<config::ScheduleConfig> purge_schedules() {
  config::ScheduleConfig s;
  s.name = kPurgeJob;
  s.job = kPurgeJob;
  s.cron = "15 2 * * *";
  s.queue = kPurgeQueue;
  return {s};
}

Duty purge_duty() {
  return {.name = "purge",
          .doc = "docs/purge.md",
          .job_types = register_purge_job,
          .commands = register_purge_commands,
          .metrics = [](JobContext& ctx) { PurgeMetrics metrics(ctx.metrics, ctx.clock); },
          .schedules = purge_schedules(),
          .background = [](DutyRuntime rt) {
            return repeat_every(rt.ctx.clock, kMaintenanceInterval, [&ctx = rt.ctx] { return maintain(ctx); });
          }};
}

}  // namespace blazed::jobs::purge
