// Owns the PII purge duty's registration and its background work (see purge_duty.hpp).
#include "jobs/purge/purge_duty.hpp"

#include "core/log.hpp"
#include "jobs/purge/purge_commands.hpp"
#include "jobs/purge/purge_job.hpp"
#include "jobs/purge/purge_metrics.hpp"
#include "jobs/purge/purge_store.hpp"
#include "pg/pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace blazed::jobs::purge {

namespace asio = boost::asio;

namespace {

constexpr int kDaysAhead = 7;
constexpr std::chrono::hours kMaintenanceInterval{1};

// Partitions ahead, so that a sync never has to make today's; and the age metric kept current.
asio::awaitable<void> maintain(DutyRuntime rt) {
  JobContext& ctx = rt.ctx;
  log::Logger logger("purge");
  const auto executor = co_await asio::this_coro::executor;
  while (true) {
    const Day today = day_of(ctx.clock.now());
    if (auto made = co_await ensure_partitions(ctx.db, today, today + std::chrono::days(kDaysAhead)); !made)
      logger.warn("making raw_payloads partitions failed", {{"error", made.error().message}});
    else if (*made > 0)
      logger.info("raw_payloads partitions made", {{"count", *made}});
    if (auto st = co_await refresh_oldest(ctx); !st)
      logger.warn("reading the oldest raw payload failed", {{"error", st.error().message}});
    auto [ec] = co_await ctx.clock.wait_for(executor, kMaintenanceInterval, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
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
          .background = maintain};
}

}  // namespace blazed::jobs::purge
