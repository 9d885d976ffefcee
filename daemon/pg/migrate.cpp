// Owns applying and checking schema migrations against the schema_migrations ledger.
#include "pg/migrate.hpp"

#include "pg/embedded_migrations.hpp"
#include "pg/errc.hpp"
#include "pg/roles.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <map>

namespace blazed::pg {
namespace asio = boost::asio;

namespace {

// pg_advisory_lock key shared by every blazed process: "blazed" in ASCII.
constexpr std::int64_t kMigrationLockKey = 0x626c617a6564;

constexpr const char* kCreateLedger = R"(CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  checksum   text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))";

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

struct Applied {
  int version;
  std::string checksum;
};

asio::awaitable<Result<std::vector<Applied>>> read_ledger(Executor& db) {
  auto exists = co_await db.query("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!exists) co_return exists.error().context("reading schema_migrations");
  auto has_ledger = exists->scalar<bool>();
  if (!has_ledger) co_return has_ledger.error();
  std::vector<Applied> applied;
  if (!*has_ledger) co_return applied;
  auto rows = co_await db.query("SELECT version, checksum FROM schema_migrations ORDER BY version");
  if (!rows) co_return rows.error().context("reading schema_migrations");
  for (auto row : *rows) {
    auto version = row.get<int>(0);
    auto checksum = row.get<std::string>(1);
    if (!version || !checksum) co_return make_error(errc::pg_decode, "bad schema_migrations row");
    applied.push_back({*version, *checksum});
  }
  co_return applied;
}

Result<SchemaStatus> compare(const std::vector<Applied>& applied,
                             const std::vector<Migration>& known) {
  std::map<int, const Migration*> by_version;
  for (const auto& m : known) by_version[m.version] = &m;
  SchemaStatus status;
  std::map<int, bool> done;
  for (const auto& a : applied) {
    status.current_version = std::max(status.current_version, a.version);
    done[a.version] = true;
    auto it = by_version.find(a.version);
    if (it == by_version.end()) {
      status.unknown.push_back(a.version);
    } else if (it->second->checksum != a.checksum) {
      return make_error(errc::migration_checksum_mismatch,
                        "migration " + std::to_string(a.version) + " (" + it->second->name +
                            ") was changed after it was applied; restore the file as applied");
    }
  }
  for (const auto& [version, m] : by_version)
    if (!done.count(version)) status.pending.push_back(version);
  return status;
}

asio::awaitable<Status> apply_one(Session& s, const Migration& m) {
  co_return co_await s.transaction([&m](Tx& tx) -> asio::awaitable<Status> {
    // A migration may rewrite a big table: the server-side statement timeout does not apply.
    if (auto r = co_await tx.script("SET LOCAL statement_timeout = 0"); !r) co_return r.error();
    if (auto r = co_await tx.script(m.sql); !r) co_return r.error();
    auto r = co_await tx.query(
        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", m.version,
        m.name, m.checksum);
    if (!r) co_return r.error();
    co_return Status{};
  });
}

// Runs with the migration lock held: re-reads the ledger (another process may just have
// migrated) and applies what is still pending.
asio::awaitable<Status> apply_pending(Session& s, const std::vector<Migration>& migrations,
                                      std::vector<int>& applied_now, const log::Logger& log,
                                      const std::optional<std::string>& runtime_role) {
  if (auto r = co_await s.script(kCreateLedger); !r)
    co_return r.error().context("creating schema_migrations");
  auto ledger = co_await read_ledger(s);
  if (!ledger) co_return ledger.error();
  auto status = compare(*ledger, migrations);
  if (!status) co_return status.error();
  if (!status->unknown.empty())
    log.warn("the database has migrations this binary does not know",
             {{"newest", status->unknown.back()}});
  for (int version : status->pending) {
    const auto& m = *std::find_if(migrations.begin(), migrations.end(),
                                  [&](const Migration& x) { return x.version == version; });
    if (version < status->current_version)
      log.warn("applying a migration older than the newest applied one",
               {{"version", version}, {"current", status->current_version}});
    if (auto st = co_await apply_one(s, m); !st)
      co_return st.error().context("migration " + std::to_string(version) + " (" + m.name + ")");
    log.info("migration applied", {{"version", version}, {"name", m.name}});
    applied_now.push_back(version);
  }
  // Every run, not only when something was applied: a role set up later gets its rights too.
  if (runtime_role) co_return co_await grant_runtime(s, *runtime_role);
  co_return Status{};
}

}  // namespace

Migration Migration::make(int version, std::string name, std::string sql) {
  std::string checksum = sha256_hex(sql);
  return Migration{version, std::move(name), std::move(sql), std::move(checksum)};
}

const std::vector<Migration>& builtin_migrations() {
  static const std::vector<Migration> all = [] {
    std::vector<Migration> v;
    for (std::size_t i = 0; i < detail::kEmbeddedMigrationCount; ++i) {
      const auto& e = detail::kEmbeddedMigrations[i];
      v.push_back(Migration::make(e.version, e.name, e.sql));
    }
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.version < b.version; });
    return v;
  }();
  return all;
}

asio::awaitable<Result<SchemaStatus>> schema_status(Executor& db,
                                                    const std::vector<Migration>& migrations) {
  auto ledger = co_await read_ledger(db);
  if (!ledger) co_return ledger.error();
  co_return compare(*ledger, migrations);
}

asio::awaitable<Result<int>> current_version(Executor& db, const std::vector<Migration>& migrations) {
  auto status = co_await schema_status(db, migrations);
  if (!status) co_return status.error();
  co_return status->current_version;
}

asio::awaitable<Result<std::vector<int>>> pending(Executor& db,
                                                  const std::vector<Migration>& migrations) {
  auto status = co_await schema_status(db, migrations);
  if (!status) co_return status.error();
  co_return status->pending;
}

asio::awaitable<Result<std::vector<int>>> migrate(PgPool& pool,
                                                  const std::vector<Migration>& migrations,
                                                  log::Logger logger,
                                                  std::optional<std::string> runtime_role) {
  std::vector<int> applied_now;
  auto st = co_await pool.with_session([&](Session& s) -> asio::awaitable<Status> {
    // Waits (server-side, within statement_timeout) while another process migrates.
    if (auto lock = co_await s.query("SELECT pg_advisory_lock($1)", kMigrationLockKey); !lock)
      co_return lock.error().context("taking the migration lock");
    Status result = co_await apply_pending(s, migrations, applied_now, logger, runtime_role);
    // If the unlock fails the session is broken, and the server drops its lock with it.
    (void)co_await s.query("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
    co_return result;
  });
  if (!st) co_return st.error();
  co_return applied_now;
}

asio::awaitable<Status> ensure_schema(PgPool& pool, config::MigrateMode mode,
                                      const std::vector<Migration>& migrations,
                                      log::Logger logger,
                                      std::optional<std::string> runtime_role) {
  if (mode == config::MigrateMode::apply) {
    auto applied = co_await migrate(pool, migrations, logger, runtime_role);
    if (!applied) co_return applied.error();
    co_return Status{};
  }
  auto status = co_await schema_status(pool, migrations);
  if (!status) co_return status.error();
  if (!status->pending.empty())
    co_return make_error(errc::schema_behind,
                         std::to_string(status->pending.size()) +
                             " migration(s) pending, first " +
                             std::to_string(status->pending.front()) +
                             "; run `blazed migrate` (postgres.migrate_on_start is require-current)");
  if (!status->unknown.empty())
    logger.warn("the database has migrations this binary does not know",
                {{"newest", status->unknown.back()}});
  co_return Status{};
}

}  // namespace blazed::pg
