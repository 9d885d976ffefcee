// Owns the backup.* commands (see backup_commands.hpp).
#include "jobs/backup/backup_commands.hpp"

#include "config/loader.hpp"
#include "control/args.hpp"
#include "core/log.hpp"
#include "jobs/backup/backup_duty.hpp"
#include "jobs/backup/backup_metrics.hpp"
#include "jobs/backup/backup_store.hpp"
#include "jobs/backup/inventory.hpp"
#include "jobs/backup/restore.hpp"
#include "jobs/context_command.hpp"
#include "pg/audit.hpp"
#include "pg/pool.hpp"
#include "pg/rows.hpp"
#include "jobs/backup/errc.hpp"
#include "control/errc.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <set>

namespace blazed::jobs::backup {
namespace asio = boost::asio;
namespace json = boost::json;
using control::Request;

namespace {

constexpr const char* kUserTables = R"(
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%')";

json::object compliance(const config::BackupConfig& c) {
  json::array lines;
  for (const auto& line : region_checks(c))
    lines.push_back(json::object{{"target", line.target}, {"region", line.region}, {"off_site", line.off_site},
                                 {"ok", line.ok}});
  return json::object{{"primary_region", c.primary_region}, {"targets", std::move(lines)},
                      {"retention_days", c.retention_days}, {"keep_min", c.keep_min}};
}

asio::awaitable<Result<json::value>> backup_list(JobContext& ctx) {
  auto targets = open_targets(co_await asio::this_coro::executor, ctx.config.backup, ctx.clock);
  if (!targets) co_return targets.error();
  auto inv = co_await take_inventory(*targets);
  if (!inv) co_return inv.error();
  BackupMetrics(ctx.metrics).record_inventory(*inv);
  std::set<std::string> ids;
  for (const auto& [t, entries] : inv->holdings)
    for (const auto& [id, e] : entries) ids.insert(id);
  json::array backups;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    const std::string& id = *it;
    json::object b{{"backup_id", id}};
    b["good"] = std::find(inv->good.begin(), inv->good.end(), id) != inv->good.end();
    json::object on;
    for (const auto& [t, entries] : inv->holdings) {
      auto e = entries.find(id);
      on[t] = e == entries.end() ? "missing"
              : e->second.has_object && e->second.has_manifest ? "complete"
              : e->second.has_object ? "no manifest" : "manifest only";
    }
    b["targets"] = std::move(on);
    if (auto m = inv->manifests.find(id); m != inv->manifests.end()) {
      b["finished_at"] = format_utc(m->second.finished_at);
      b["started_at"] = format_utc(m->second.started_at);
      b["object_bytes"] = m->second.object_bytes;
      b["dump_bytes"] = m->second.dump_bytes;
      b["key_id"] = m->second.key_id;
      b["pg_server_version"] = m->second.pg_server_version;
    }
    backups.push_back(std::move(b));
  }
  json::object out{{"backups", std::move(backups)}, {"compliance", compliance(ctx.config.backup)}};
  if (!inv->good.empty()) {
    const auto& newest = inv->manifests.at(inv->good.front());
    out["newest_good"] = newest.backup_id;
    out["newest_good_age_seconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(ctx.clock.now() - newest.finished_at).count();
  } else {
    out["newest_good"] = nullptr;
  }
  auto runs = co_await latest_runs(ctx.db, 10);
  if (runs) {
    json::array r;
    for (const auto& run : *runs)
      r.push_back(json::object{
          {"kind", run.kind}, {"backup_id", run.backup_id ? json::value(*run.backup_id) : json::value(nullptr)},
          {"instance_id", run.instance_id}, {"started_at", format_utc(run.started_at)},
          {"outcome", run.outcome ? json::value(*run.outcome) : json::value("running")},
          {"error", run.error_code ? json::value(*run.error_code) : json::value(nullptr)}});
    out["recent_runs"] = std::move(r);
  }
  co_return json::value(std::move(out));
}

asio::awaitable<Result<json::value>> backup_run(JobContext& ctx) {
  auto queued = co_await enqueue_backup(ctx);
  if (!queued) co_return queued.error();
  co_return json::value(json::object{{"job_id", queued->job_id}, {"duplicate", queued->duplicate},
                                     {"queue", kBackupQueue}});
}

// How many relations the database already has (a restore into a used database is refused).
asio::awaitable<Result<std::int64_t>> relations_in(const std::string& dsn) {
  config::PostgresConfig pc;
  pc.dsn = dsn;
  pc.pool_size = 1;
  pg::PgPool pool(co_await asio::this_coro::executor, pc, Secret{}, log::Logger("backup"));
  auto rows = co_await pool.query(kUserTables);
  pool.stop();
  if (!rows) co_return rows.error().context("checking the target database");
  co_return rows->scalar<std::int64_t>();
}

asio::awaitable<Result<json::value>> backup_restore(JobContext& ctx, const Request& req) {
  auto id = control::args::find_string(req, "backup_id");
  if (!id) co_return id.error();
  auto latest = control::args::find_bool(req, "latest");
  if (!latest) co_return latest.error();
  auto dsn = control::args::get_string(req, "into");
  if (!dsn) co_return dsn.error();
  auto force = control::args::find_bool(req, "force");
  if (!force) co_return force.error();
  const bool want_latest = latest->value_or(false);
  if (want_latest == id->has_value())
    co_return make_error(blazed::control::errc::bad_args, "give exactly one of backup_id and latest");
  if (*id && !valid_backup_id(**id)) co_return make_error(blazed::jobs::backup::errc::backup_not_found, "not a backup id");

  auto targets = open_targets(co_await asio::this_coro::executor, ctx.config.backup, ctx.clock);
  if (!targets) co_return targets.error();
  std::string backup_id;
  if (want_latest) {
    auto inv = co_await take_inventory(*targets);
    if (!inv) co_return inv.error();
    if (inv->good.empty()) co_return make_error(blazed::jobs::backup::errc::backup_none_good, "no good backup to restore");
    backup_id = inv->good.front();
  } else {
    backup_id = **id;
  }
  // The first target that has the backup serves it.
  Target* source = nullptr;
  Result<Manifest> manifest = make_error(blazed::jobs::backup::errc::backup_not_found, "no target has backup " + backup_id);
  for (auto& t : *targets) {
    auto m = co_await read_manifest(t, backup_id);
    if (m) {
      manifest = std::move(m);
      source = &t;
      break;
    }
    if (m.error().code != blazed::jobs::backup::errc::backup_not_found) manifest = m.error();
  }
  if (!source) co_return manifest.error();

  auto used = co_await relations_in(*dsn);
  if (!used) co_return used.error();
  if (*used > 0 && !force->value_or(false))
    co_return make_error(blazed::jobs::backup::errc::backup_target_not_empty,
                         "the target database has " + std::to_string(*used) + " relations; pass force to restore anyway");

  const RunStart start{"restore", backup_id, std::nullopt, ctx.instance_id, ctx.clock.now()};
  auto row = co_await insert_run(ctx.db, start);
  if (!row) co_return row.error();
  PgRestoreDestination dest(ctx.config.backup.pg_restore, *dsn, Secret{});
  auto restored = co_await restore_backup(*source, *manifest, ctx.keyring, dest);
  RunEnd end;
  end.success = restored.has_value();
  end.finished_at = ctx.clock.now();
  end.backup_id = backup_id;
  if (!restored) end.error_code = restored.error().code;
  end.detail["target"] = source->config.name;
  if (restored) end.detail["duration_ms"] = restored->duration.count();
  if (auto st = co_await finish_run(ctx.db, *row, end); !st) co_return st.error();
  pg::AuditEvent e;
  e.actor = "operator";
  e.action = "backup.restore";
  e.data_type = "database";
  e.outcome = restored ? pg::AuditOutcome::success : pg::AuditOutcome::failure;
  e.detail = end.detail;
  e.detail["backup_id"] = backup_id;
  if (!restored) e.detail["error"] = restored.error().code;
  if (auto a = co_await pg::record_audit(ctx.db, ctx.clock, e); !a) co_return a.error();
  if (!restored) co_return restored.error();
  co_return json::value(json::object{{"backup_id", backup_id}, {"target", source->config.name},
                                     {"object_bytes", restored->object_bytes},
                                     {"dump_bytes", restored->dump_bytes},
                                     {"duration_ms", restored->duration.count()}});
}

}  // namespace

Status register_backup_commands(control::CommandRegistry& registry, JobContext& ctx) {
  using control::Effect;
  return registry.register_all({
      {"backup.run", "enqueue a backup now (one at a time across all instances)", Effect::mutating,
       with_context(ctx, backup_run)},
      {"backup.list", "backups on every target, which are good, region compliance, recent runs",
       Effect::read_only, with_context(ctx, backup_list)},
      {"backup.restore", "restore a backup into a database (args: backup_id or latest, into, force)",
       Effect::mutating, with_context(ctx, backup_restore)},
  });
}

}  // namespace blazed::jobs::backup
