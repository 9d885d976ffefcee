// Owns the audit duty's registration and its background work (see audit_duty.hpp).
#include "jobs/audit/audit_duty.hpp"

#include "core/log.hpp"
#include "core/log_failure.hpp"
#include "jobs/audit/audit_export.hpp"
#include "jobs/audit/audit_maintenance.hpp"
#include "jobs/audit/audit_prune_job.hpp"
#include "jobs/repeat.hpp"
#include "pg/pool.hpp"

namespace blazed::jobs::audit {

namespace asio = boost::asio;

namespace {

constexpr std::chrono::hours kMaintenanceInterval{1};

asio::awaitable<void> maintain(JobContext& ctx) {
  log::Logger logger("audit");
  if (auto made = co_await make_partitions_ahead(ctx.db, ctx.clock); !made)
    log::failure(logger, "making audit_events partitions failed", made.error());
  else if (*made > 0)
    logger.info("audit_events partitions made", {{"count", *made}});
}

std::vector<config::ScheduleConfig> audit_schedules() {
  config::ScheduleConfig s;
  s.name = kAuditPruneJob;
  s.job = kAuditPruneJob;
  s.cron = "45 3 * * *";
  s.queue = kAuditQueue;
  return {s};
}

}  // namespace

Duty audit_duty() {
  return {.name = "audit",
          .doc = "docs/audit.md",
          .job_types = register_audit_prune_job,
          .commands = register_audit_commands,
          .schedules = audit_schedules(),
          .background = [](DutyRuntime rt) {
            return repeat_every(rt.ctx.clock, kMaintenanceInterval, [&ctx = rt.ctx] { return maintain(ctx); });
          }};
}

}  // namespace blazed::jobs::audit
