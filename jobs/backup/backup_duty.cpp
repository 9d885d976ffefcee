// Owns the backup duty's job types, schedules and start-up check (see backup_duty.hpp).
#include "jobs/backup/backup_duty.hpp"

#include "config/loader.hpp"
#include "core/log.hpp"
#include "crypto/keyring.hpp"
#include "jobs/backup/backup_commands.hpp"
#include "jobs/backup/backup_metrics.hpp"
#include "jobs/backup/backup_run.hpp"
#include "jobs/backup/backup_store.hpp"
#include "jobs/backup/drill.hpp"
#include "jobs/backup/prune.hpp"
#include "pg/audit.hpp"
#include "pg/pool.hpp"
#include "queue/handlers.hpp"
#include "queue/producer.hpp"
#include "jobs/backup/errc.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/json/array.hpp>

#include <algorithm>

namespace blazed::jobs::backup {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

Result<Secret> pg_password(const config::Config& c) {
  if (!c.postgres.password) return Secret{};
  return config::resolve_secret(*c.postgres.password);
}

asio::awaitable<Result<std::vector<Target>>> targets_of(JobContext& ctx) {
  co_return open_targets(co_await asio::this_coro::executor, ctx.config.backup, ctx.clock);
}

// Every job run: its ledger row, the work, the row finished and the audit event.
struct RunRecord {
  std::string kind;
  std::string action;
  RunEnd end;
};

asio::awaitable<Status> record(JobContext& ctx, std::int64_t row, RunRecord& r, const Status& outcome) {
  r.end.success = outcome.has_value();
  r.end.finished_at = ctx.clock.now();
  if (!outcome) {
    r.end.error_code = outcome.error().code;
    r.end.detail["error"] = outcome.error().code;
  }
  if (auto st = co_await finish_run(ctx.db, row, r.end); !st) co_return st;
  pg::AuditEvent e;
  e.actor = "instance:" + ctx.instance_id;
  e.action = r.action;
  e.data_type = "database";
  e.outcome = outcome ? pg::AuditOutcome::success : pg::AuditOutcome::failure;
  e.detail = r.end.detail;
  if (r.end.backup_id) e.detail["backup_id"] = *r.end.backup_id;
  auto id = co_await pg::record_audit(ctx.db, ctx.clock, e);
  if (!id) co_return id.error();
  co_return Status{};
}

asio::awaitable<Result<std::int64_t>> start_row(JobContext& ctx, const queue::Job& job, const std::string& kind) {
  // A named value, not a braced temporary: g++ 12 mishandles temporaries across co_await.
  const RunStart start{kind, std::nullopt, job.id, ctx.instance_id, ctx.clock.now()};
  co_return co_await insert_run(ctx.db, start);
}

// What the queue does with a failed run: retried, unless no retry can help.
queue::HandlerOutcome outcome_of(const Status& st) {
  if (st) return queue::done();
  const std::string& code = st.error().code;
  if (code == errc::backup_pg_version || code == errc::backup_none_good || code == errc::backup_no_targets)
    return queue::permanent(st.error());
  return queue::retry(st.error());
}

// Backups are off (no targets): the default schedules still fire; their runs do nothing.
bool backups_off(JobContext& ctx, const queue::Job& job) {
  if (!ctx.config.backup.targets.empty()) return false;
  log::Logger("backup").info("backups are off (backup.targets is empty); nothing to do",
                             {{"job", job.type}, {"job_id", job.id}});
  return true;
}

// Every job of the duty runs the same way: nothing when backups are off, else its ledger row, the
// work (which fills in the row's end), the row finished and audited, and what the queue does next.
template <class Work>
asio::awaitable<queue::HandlerOutcome> run_recorded(JobContext& ctx, const queue::Job& job, const char* kind,
                                                    const char* action, Work work) {
  if (backups_off(ctx, job)) co_return queue::done();
  RunRecord rec{kind, action, {}};
  auto row = co_await start_row(ctx, job, rec.kind);
  if (!row) co_return row.error();
  Status outcome = co_await work(rec.end);
  if (auto st = co_await record(ctx, *row, rec, outcome); !st) co_return st.error();
  co_return outcome_of(outcome);
}

asio::awaitable<queue::HandlerOutcome> backup_job(JobContext& ctx, const queue::Job& job) {
  BackupMetrics metrics(ctx.metrics);
  co_return co_await run_recorded(ctx, job, "backup", "backup", [&](RunEnd& end) -> asio::awaitable<Status> {
    auto targets = co_await targets_of(ctx);
    if (!targets) co_return targets.error();
    auto password = pg_password(ctx.config);
    if (!password) co_return password.error();
    BackupSettings s;
    s.pg_dump = ctx.config.backup.pg_dump;
    s.dsn = ctx.config.postgres.dsn;
    s.pg_password = std::move(*password);
    s.zstd_level = ctx.config.backup.zstd_level;
    s.instance_id = ctx.instance_id;
    const BackupDeps deps{ctx.db, ctx.keyring, ctx.nonces, crypto::random_bytes(), ctx.clock};
    auto done = co_await run_backup(deps, s, *targets);
    if (!done) {
      metrics.record_backup(false, {}, 0, ctx.clock.now());
      co_return done.error();
    }
    const Manifest& m = done->manifest;
    end.backup_id = m.backup_id;
    end.object_bytes = static_cast<std::int64_t>(m.object_bytes);
    end.dump_bytes = static_cast<std::int64_t>(m.dump_bytes);
    end.detail["duration_ms"] = done->duration.count();
    end.detail["targets"] = static_cast<std::int64_t>(targets->size());
    end.detail["key_id"] = m.key_id;
    metrics.record_backup(true, done->duration, m.object_bytes, m.finished_at);
    if (auto inv = co_await take_inventory(*targets)) metrics.record_inventory(*inv);
    co_return Status{};
  });
}

asio::awaitable<queue::HandlerOutcome> prune_job(JobContext& ctx, const queue::Job& job) {
  co_return co_await run_recorded(ctx, job, "prune", "backup.prune", [&](RunEnd& end) -> asio::awaitable<Status> {
    auto targets = co_await targets_of(ctx);
    if (!targets) co_return targets.error();
    RetentionPolicy policy;
    policy.keep_for = std::chrono::days(ctx.config.backup.retention_days);
    policy.keep_min = ctx.config.backup.keep_min;
    auto report = co_await prune_targets(*targets, ctx.clock.now(), policy);
    if (!report) co_return report.error();
    end.detail["expired_deleted"] = static_cast<std::int64_t>(report->expired_deleted);
    end.detail["orphans_deleted"] = static_cast<std::int64_t>(report->orphans_deleted);
    end.detail["refused"] = static_cast<std::int64_t>(report->keys_failed);
    end.detail["uploads_aborted"] = static_cast<std::int64_t>(report->uploads_aborted);
    end.detail["uploads_failed"] = static_cast<std::int64_t>(report->uploads_failed);
    boost::json::array unlisted;
    for (const auto& name : report->uploads_unlisted) unlisted.emplace_back(name);
    end.detail["uploads_unlisted"] = std::move(unlisted);
    end.detail["good"] = static_cast<std::int64_t>(report->plan.good.size());
    BackupMetrics(ctx.metrics).record_inventory(report->inventory);
    co_return Status{};
  });
}

asio::awaitable<queue::HandlerOutcome> drill_job(JobContext& ctx, const queue::Job& job) {
  BackupMetrics metrics(ctx.metrics);
  co_return co_await run_recorded(ctx, job, "drill", "backup.drill", [&](RunEnd& end) -> asio::awaitable<Status> {
    auto targets = co_await targets_of(ctx);
    if (!targets) co_return targets.error();
    auto inv = co_await take_inventory(*targets);
    if (!inv) co_return inv.error();
    if (inv->good.empty()) co_return make_error(errc::backup_none_good, "no good backup to drill");
    const Manifest& m = inv->manifests.at(inv->good.front());
    end.backup_id = m.backup_id;
    auto password = pg_password(ctx.config);
    if (!password) co_return password.error();
    DrillSettings s{ctx.config.postgres.dsn, std::move(*password), ctx.config.backup.pg_restore};
    auto drilled = co_await run_drill(ctx.db, s, targets->front(), m, ctx.keyring);
    if (!drilled) {
      metrics.record_drill(false, {}, ctx.clock.now());
      co_return drilled.error();
    }
    end.detail = drilled->detail;
    end.detail["duration_ms"] = drilled->duration.count();
    end.detail["tables_checked"] = drilled->tables_checked;
    end.object_bytes = static_cast<std::int64_t>(m.object_bytes);
    end.dump_bytes = static_cast<std::int64_t>(m.dump_bytes);
    metrics.record_drill(true, drilled->duration, ctx.clock.now());
    co_return Status{};
  });
}

queue::JobType job_type(queue::Handler handler, std::chrono::milliseconds timeout) {
  queue::JobType t;
  t.handler = std::move(handler);
  t.max_attempts = 3;
  t.timeout = timeout;
  t.backoff_base = std::chrono::minutes(5);
  t.backoff_max = std::chrono::hours(1);
  return t;
}

config::ScheduleConfig schedule(std::string name, std::string cron) {
  config::ScheduleConfig s;
  s.job = name;
  s.name = std::move(name);
  s.cron = std::move(cron);
  s.queue = kBackupQueue;
  s.group = kBackupGroup;
  return s;
}

}  // namespace

Status register_backup_jobs(queue::Handlers& handlers, JobContext& ctx) {
  BackupMetrics metrics(ctx.metrics);  // the families exist from the start
  handlers.add(kBackupJob, job_type([&ctx](const queue::Job& j) { return backup_job(ctx, j); }, std::chrono::hours(6)));
  handlers.add(kPruneJob, job_type([&ctx](const queue::Job& j) { return prune_job(ctx, j); }, std::chrono::hours(1)));
  handlers.add(kDrillJob, job_type([&ctx](const queue::Job& j) { return drill_job(ctx, j); }, std::chrono::hours(6)));
  return {};
}

std::vector<config::ScheduleConfig> backup_schedules() {
  return {schedule(kBackupJob, "0 3 * * *"), schedule(kPruneJob, "30 4 * * *"),
          schedule(kDrillJob, "0 6 1 1,4,7,10 *")};
}

Duty backup_duty() {
  return {.name = "backup",
          .doc = "docs/backups.md",
          .job_types = register_backup_jobs,
          .commands = register_backup_commands,
          .metrics = [](JobContext& ctx) { BackupMetrics metrics(ctx.metrics); },
          .schedules = backup_schedules(),
          .background = [](DutyRuntime rt) -> asio::awaitable<void> {
            warn_same_region_targets(rt.ctx.config);
            BackupMetrics(rt.ctx.metrics).record_regions(region_checks(rt.ctx.config.backup));
            co_return;
          }};
}

asio::awaitable<Result<BackupEnqueued>> enqueue_backup(JobContext& ctx) {
  if (ctx.config.backup.targets.empty())
    co_return make_error(errc::backup_no_targets, "backup.targets is empty: backups are off");
  queue::EnqueueOptions options;
  options.unique_key = kBackupUniqueKey;
  options.group = kBackupGroup;
  auto done = co_await ctx.producer(kBackupQueue).enqueue(kBackupJob, "{}", options);
  if (!done) co_return done.error();
  co_return BackupEnqueued{done->id, done->duplicate};
}

void warn_same_region_targets(const config::Config& config) {
  for (const auto& name : same_region_targets(config.backup))
    log::Logger("backup").warn("backup target is in the server's own region: it does not count as off-site",
                               {{"target", name}, {"region", config.backup.primary_region}});
}

}  // namespace blazed::jobs::backup
