// Owns the statements on backup_runs (see backup_store.hpp).
#include "jobs/backup/backup_store.hpp"

#include "pg/rows.hpp"
#include "pg/errc.hpp"

#include <boost/json/serialize.hpp>

namespace blazed::jobs::backup {
namespace asio = boost::asio;

namespace {
constexpr const char* kInsert = R"(
  INSERT INTO backup_runs (kind, backup_id, job_id, instance_id, started_at)
  VALUES ($1, $2, $3, $4, $5) RETURNING id)";
constexpr const char* kFinish = R"(
  UPDATE backup_runs SET finished_at = $2, outcome = $3, error_code = $4, object_bytes = $5,
    dump_bytes = $6, detail = $7::jsonb, backup_id = coalesce($8, backup_id)
  WHERE id = $1)";
constexpr const char* kLatest = R"(
  SELECT id, kind, backup_id, instance_id, started_at, finished_at, outcome, error_code
  FROM backup_runs ORDER BY started_at DESC, id DESC LIMIT $1)";
constexpr const char* kLastDrill = R"(
  SELECT finished_at, outcome = 'success', error_code, (detail->>'duration_ms')::bigint
  FROM backup_runs WHERE kind = 'drill' AND finished_at IS NOT NULL
  ORDER BY finished_at DESC, id DESC LIMIT 1)";
}  // namespace

asio::awaitable<Result<std::int64_t>> insert_run(pg::Executor& db, const RunStart& run) {
  auto rows = co_await db.query(kInsert, run.kind, run.backup_id, run.job_id, run.instance_id, run.started_at);
  if (!rows) co_return rows.error().context("recording the backup run");
  co_return rows->scalar<std::int64_t>();
}

asio::awaitable<Status> finish_run(pg::Executor& db, std::int64_t id, const RunEnd& end) {
  const std::string outcome = end.success ? "success" : "failure";
  auto rows = co_await db.query(kFinish, id, end.finished_at, outcome, end.error_code, end.object_bytes,
                                end.dump_bytes, boost::json::serialize(end.detail), end.backup_id);
  if (!rows) co_return rows.error().context("finishing the backup run");
  co_return Status{};
}

asio::awaitable<Result<std::vector<RunRow>>> latest_runs(pg::Executor& db, int limit) {
  auto rows = co_await db.query(kLatest, limit);
  if (!rows) co_return rows.error();
  std::vector<RunRow> out;
  for (const pg::Row r : *rows) {
    auto id = r.get<std::int64_t>(0);
    auto kind = r.get<std::string>(1);
    auto backup_id = r.get<std::optional<std::string>>(2);
    auto instance = r.get<std::string>(3);
    auto started = r.get<Clock::time_point>(4);
    auto finished = r.get<std::optional<Clock::time_point>>(5);
    auto outcome = r.get<std::optional<std::string>>(6);
    auto error_code = r.get<std::optional<std::string>>(7);
    if (!id || !kind || !backup_id || !instance || !started || !finished || !outcome || !error_code)
      co_return make_error(blazed::pg::errc::pg_decode, "bad backup_runs row");
    out.push_back({*id, *kind, *backup_id, *instance, *started, *finished, *outcome, *error_code});
  }
  co_return out;
}

asio::awaitable<Result<std::optional<DrillRow>>> last_drill(pg::Executor& db) {
  auto rows = co_await db.query(kLastDrill);
  if (!rows) co_return rows.error().context("reading the last restore drill");
  if (rows->empty()) co_return std::optional<DrillRow>{};
  const pg::Row r = (*rows)[0];
  auto finished = r.get<Clock::time_point>(0);
  auto success = r.get<bool>(1);
  auto error_code = r.get<std::optional<std::string>>(2);
  auto duration_ms = r.get<std::optional<std::int64_t>>(3);
  if (!finished || !success || !error_code || !duration_ms)
    co_return make_error(blazed::pg::errc::pg_decode, "bad backup_runs drill row");
  DrillRow row{*finished, *success, *error_code, std::nullopt};
  if (*duration_ms) row.duration = std::chrono::milliseconds(**duration_ms);
  co_return std::optional<DrillRow>{row};
}

}  // namespace blazed::jobs::backup
