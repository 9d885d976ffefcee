// Owns the restore drill (see drill.hpp).
#include "jobs/backup/drill.hpp"

#include "config/config.hpp"
#include "core/log.hpp"
#include "jobs/backup/restore.hpp"
#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "pg/rows.hpp"
#include "jobs/backup/errc.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

namespace blazed::jobs::backup {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view kInsufficientPrivilege = "42501";

constexpr const char* kTables = R"(
  SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%')";

std::string quote_ident(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// An estimate is pg_class.reltuples at dump time: close, not exact. -1: never analysed.
bool count_plausible(std::int64_t estimate, std::int64_t count) {
  if (estimate < 0) return true;
  const std::int64_t slack = std::max<std::int64_t>(100, estimate / 10);
  return std::llabs(count - estimate) <= slack;
}

asio::awaitable<Status> check_scratch(pg::Executor& scratch, const Manifest& manifest, DrillResult& result) {
  auto rows = co_await scratch.query(kTables);
  if (!rows) co_return rows.error().context("listing the restored tables");
  std::map<std::pair<std::string, std::string>, bool> present;
  for (const pg::Row r : *rows) {
    auto schema = r.get<std::string>(0);
    auto table = r.get<std::string>(1);
    if (schema && table) present[{*schema, *table}] = true;
  }
  json::array tables;
  std::vector<std::string> problems;
  for (const auto& t : manifest.tables) {
    json::object o{{"schema", t.schema}, {"table", t.table}, {"rows_estimate", t.rows}};
    if (!present.contains({t.schema, t.table})) {
      problems.push_back(t.schema + "." + t.table + " missing");
      o["present"] = false;
      tables.push_back(std::move(o));
      continue;
    }
    auto count = co_await scratch.query("SELECT count(*) FROM " + quote_ident(t.schema) + "." + quote_ident(t.table));
    if (!count) co_return count.error().context("counting restored rows");
    auto n = count->scalar<std::int64_t>();
    if (!n) co_return n.error();
    o["present"] = true;
    o["rows"] = *n;
    if (!count_plausible(t.rows, *n)) problems.push_back(t.schema + "." + t.table + " row count far from its estimate");
    tables.push_back(std::move(o));
    ++result.tables_checked;
  }
  result.detail["tables"] = std::move(tables);
  if (!problems.empty()) {
    std::string msg = "restored database does not match the manifest: " + problems.front();
    if (problems.size() > 1) msg += " (and " + std::to_string(problems.size() - 1) + " more)";
    co_return make_error(blazed::jobs::backup::errc::backup_drill_check_failed, msg);
  }
  co_return Status{};
}

}  // namespace

std::string with_dbname(const std::string& dsn, const std::string& name) {
  const auto scheme = dsn.find("://");
  if (scheme == std::string::npos) return dsn + " dbname=" + name;
  const auto query = dsn.find('?', scheme + 3);
  const auto path = dsn.find('/', scheme + 3);
  const auto host_end = std::min(query, path);
  std::string out = dsn.substr(0, host_end == std::string::npos ? dsn.size() : host_end) + "/" + name;
  if (query != std::string::npos) out += dsn.substr(query);
  return out;
}

asio::awaitable<Result<DrillResult>> run_drill(pg::Executor& admin, const DrillSettings& settings,
                                               Target& target, const Manifest& manifest,
                                               const crypto::Keyring& keyring) {
  DrillResult result;
  result.backup_id = manifest.backup_id;
  std::string scratch_name = "blazed_drill_";
  for (char c : manifest.backup_id)
    if (std::isalnum(static_cast<unsigned char>(c))) scratch_name.push_back(static_cast<char>(std::tolower(c)));
  result.scratch_database = scratch_name;
  const std::string quoted = quote_ident(scratch_name);
  // A drill killed half-way left its scratch database behind: start clean.
  if (auto st = co_await admin.query("DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)"); !st)
    co_return st.error().context("dropping an old scratch database");
  if (auto st = co_await admin.query("CREATE DATABASE " + quoted); !st) {
    if (pg::sqlstate(st.error()) == kInsufficientPrivilege)
      co_return st.error().context("creating the scratch database (the daemon's PostgreSQL role needs CREATEDB: "
                                   "ALTER ROLE ... CREATEDB, docs/postgres.md)");
    co_return st.error().context("creating the scratch database");
  }

  const auto start = std::chrono::steady_clock::now();
  const std::string scratch_dsn = with_dbname(settings.dsn, scratch_name);
  Status outcome;
  {
    PgRestoreDestination dest(settings.pg_restore, scratch_dsn, settings.password);
    auto restored = co_await restore_backup(target, manifest, keyring, dest);
    if (!restored) outcome = restored.error();
  }
  if (outcome) {
    config::PostgresConfig pc;
    pc.dsn = scratch_dsn;
    pc.pool_size = 1;
    pg::PgPool scratch(co_await asio::this_coro::executor, pc, settings.password, log::Logger("backup"));
    outcome = co_await check_scratch(scratch, manifest, result);
    scratch.stop();
  }
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  auto dropped = co_await admin.query("DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
  if (!outcome) co_return outcome.error();
  if (!dropped) co_return dropped.error().context("dropping the scratch database");
  co_return result;
}

}  // namespace blazed::jobs::backup
