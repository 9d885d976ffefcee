// Owns the key commands of the control socket: `keys.status` (each key's age, the rows still
// under it, whether it can be retired, rotation progress, the LWA secret's age) and `keys.rotate`.
#include "jobs/keys/keys_commands.hpp"

#include "control/args.hpp"
#include "crypto/key_age.hpp"
#include "crypto/keyring.hpp"
#include "jobs/context_command.hpp"
#include "jobs/keys/key_rotation.hpp"
#include "jobs/keys/key_rotation_job.hpp"
#include "pg/errc.hpp"
#include "pg/pool.hpp"
#include "spapi/iso_time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <map>
#include <optional>
#include <set>

namespace blazed::jobs {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using control::Request;


std::int64_t whole_seconds(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}
std::int64_t whole_days(Clock::duration d) { return std::chrono::floor<std::chrono::days>(d).count(); }

// Ages of one credential, as keys.status shows them.
json::object age_json(const crypto::CredentialAge& a) {
  json::object o;
  o["known"] = a.created.has_value();
  o["created"] = a.created ? json::value(spapi::format_iso8601(*a.created)) : json::value(nullptr);
  o["age_seconds"] = a.created ? json::value(whole_seconds(a.age)) : json::value(nullptr);
  o["age_days"] = a.created ? json::value(whole_days(a.age)) : json::value(nullptr);
  o["max_age_days"] = whole_days(a.max_age);
  o["over_policy"] = a.overdue;
  return o;
}

constexpr const char* kLatestRuns =
    "SELECT DISTINCT ON (table_name) id, table_name, target_key, cursor, passes, rewrapped, "
    "skipped, failed, started_at, updated_at, finished_at FROM key_rotation_runs "
    "ORDER BY table_name, id DESC";

// The newest rotation run of each table (running when finished_at is NULL).
asio::awaitable<Result<json::array>> rotation_runs(pg::Executor& db) {
  auto rows = co_await db.query(kLatestRuns);
  if (!rows) co_return rows.error();
  json::array out;
  for (const pg::Row r : *rows) {
    auto id = r.get<std::int64_t>(0);
    auto table = r.get<std::string>(1);
    auto target = r.get<std::string>(2);
    auto cursor = r.get<std::int64_t>(3);
    auto passes = r.get<int>(4);
    auto rewrapped = r.get<std::int64_t>(5);
    auto skipped = r.get<std::int64_t>(6);
    auto failed = r.get<std::int64_t>(7);
    auto started = r.get<Clock::time_point>(8);
    auto updated = r.get<Clock::time_point>(9);
    auto finished = r.get<std::optional<Clock::time_point>>(10);
    if (!id || !table || !target || !cursor || !passes || !rewrapped || !skipped || !failed ||
        !started || !updated || !finished)
      co_return make_error(pg::errc::pg_decode, "bad key_rotation_runs row");
    out.push_back(json::object{
        {"run_id", *id}, {"table", *table}, {"target_key", *target}, {"running", !*finished},
        {"cursor", *cursor}, {"passes", *passes}, {"rewrapped", *rewrapped}, {"skipped", *skipped},
        {"failed", *failed}, {"started_at", spapi::format_iso8601(*started)},
        {"updated_at", spapi::format_iso8601(*updated)},
        {"finished_at", *finished ? json::value(spapi::format_iso8601(**finished)) : json::value(nullptr)}});
  }
  co_return out;
}

// Rows per table for one key id (nullopt: legacy rows), every rotated table listed.
using Usage = std::map<std::optional<std::string>, std::map<std::string, std::int64_t>>;

json::object rows_json(const Usage& usage, const std::optional<std::string>& key) {
  json::object o;
  for (const jobs::RotationTable& t : jobs::rotation_tables()) o[t.table] = 0;
  if (auto it = usage.find(key); it != usage.end())
    for (const auto& [table, n] : it->second) o[table] = n;
  return o;
}

std::int64_t total(const json::object& rows) {
  std::int64_t n = 0;
  for (const auto& [table, v] : rows) n += v.as_int64();
  return n;
}

asio::awaitable<Result<json::value>> keys_status(jobs::JobContext& ctx) {
  auto used = co_await jobs::key_usage(ctx.db, jobs::rotation_tables());
  if (!used) co_return used.error();
  Usage usage;
  std::map<std::string, std::int64_t> stale;  // per table: rows not under the active key
  const std::string active = ctx.keyring.active().id();
  for (const auto& u : *used) {
    usage[u.key_id][u.table] += u.rows;
    if (u.key_id != active) stale[u.table] += u.rows;
  }
  auto runs = co_await rotation_runs(ctx.db);
  if (!runs) co_return runs.error();

  const std::string legacy = ctx.keyring.legacy() != nullptr ? ctx.keyring.legacy()->id() : "";
  json::array keys;
  std::set<std::string> loaded;
  std::optional<crypto::CredentialAge> lwa;
  for (const auto& a : crypto::credential_ages(ctx.keyring, ctx.config.credential_ages, ctx.clock)) {
    if (a.kind == crypto::CredentialAge::Kind::lwa_client_secret) {
      lwa = a;
      continue;
    }
    loaded.insert(a.name);
    json::object k = age_json(a);
    k["id"] = a.name;
    k["active"] = a.active;
    k["legacy"] = a.name == legacy;
    json::object rows = rows_json(usage, a.name);
    // Legacy rows (NULL key_id) are under the legacy key until rotation upgrades them.
    if (a.name == legacy)
      for (const auto& [table, n] : rows_json(usage, std::nullopt)) rows[table] = rows[table].as_int64() + n.as_int64();
    k["rows"] = rows;
    k["retirable"] = !a.active && total(rows) == 0;
    keys.push_back(std::move(k));
  }
  // Ids still referenced by rows but not loaded: those rows cannot be opened (a key retired early).
  json::array missing;
  for (const auto& [key, tables] : usage)
    if (key && !loaded.contains(*key)) missing.push_back(json::object{{"id", *key}, {"rows", rows_json(usage, key)}});

  json::object pending;
  std::int64_t pending_total = 0;
  for (const jobs::RotationTable& t : jobs::rotation_tables()) {
    pending[t.table] = stale[t.table];
    pending_total += stale[t.table];
  }
  json::object out;
  out["active_key"] = active;
  out["legacy_key"] = legacy.empty() ? json::value(nullptr) : json::value(legacy);
  out["keys"] = std::move(keys);
  out["missing_keys"] = std::move(missing);
  json::object legacy_rows = rows_json(usage, std::nullopt);
  // With no legacy row left, keyring.legacy_key can go, and then CBC is refused everywhere.
  out["legacy_key_removable"] = !legacy.empty() && total(legacy_rows) == 0;
  out["legacy_rows"] = std::move(legacy_rows);
  out["rows_to_rotate"] = std::move(pending);
  out["rotation_needed"] = pending_total > 0;
  out["rotation_runs"] = std::move(*runs);
  json::object secret = age_json(*lwa);
  out["lwa_client_secret"] = std::move(secret);
  co_return json::value(std::move(out));
}

asio::awaitable<Result<json::value>> keys_rotate(jobs::JobContext& ctx, const Request& req) {
  auto table = control::args::find_string(req, "table");
  if (!table) co_return table.error();
  auto queued = co_await jobs::enqueue_rotation(ctx, table->value_or(""));
  if (!queued) co_return queued.error();
  co_return json::value(json::object{{"job_id", queued->job_id},
                                     {"duplicate", queued->duplicate},
                                     {"queue", jobs::kKeyRotationQueue},
                                     {"target_key", ctx.keyring.active().id()}});
}

}  // namespace

Status register_keys_commands(control::CommandRegistry& registry, jobs::JobContext& ctx) {
  using control::Effect;
  return registry.register_all({
      {"keys.status", "keys: ages, rows still under each, which can be retired, rotation progress",
       Effect::read_only, with_context(ctx, keys_status)},
      {"keys.rotate", "enqueue a key rotation job now (args: table, optional)", Effect::mutating,
       with_context(ctx, keys_rotate)},
  });
}

}  // namespace blazed::jobs
