// Owns schema migrations: the versioned SQL files built into the binary, the schema_migrations
// ledger, applying what is pending (each file in its own transaction, under an advisory lock so
// that concurrent daemons migrate once) and the start-up check (apply, or refuse to run behind).
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "pg/pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace blazed::pg {

struct Migration {
  int version = 0;       // from the file name NNNN_name.sql
  std::string name;      // "audit_events"
  std::string sql;       // the file's text, run as one script; no BEGIN/COMMIT inside
  std::string checksum;  // hex SHA-256 of sql: an applied file must never change

  static Migration make(int version, std::string name, std::string sql);
};

// daemon/pg/migrations/*.sql, embedded at build time, ordered by version.
const std::vector<Migration>& builtin_migrations();

struct SchemaStatus {
  int current_version = 0;    // highest applied version, 0 for an empty database
  std::vector<int> pending;   // known to this binary, not applied yet (ascending)
  std::vector<int> unknown;   // applied, but not known to this binary (a newer one ran)
};

// Reads the ledger and checks every applied, known migration's checksum. Fails with
// migration_checksum_mismatch when an applied file was edited.
boost::asio::awaitable<Result<SchemaStatus>> schema_status(
    Executor& db, const std::vector<Migration>& migrations = builtin_migrations());
// The same, as the two numbers `blazed migrate --status` and /readyz want.
boost::asio::awaitable<Result<int>> current_version(
    Executor& db, const std::vector<Migration>& migrations = builtin_migrations());
boost::asio::awaitable<Result<std::vector<int>>> pending(
    Executor& db, const std::vector<Migration>& migrations = builtin_migrations());

// Applies every pending migration in version order and returns the versions it applied (empty
// when another process had already done so). Holds a session-level advisory lock for the whole
// run; each migration and its ledger row commit together or not at all. With `runtime_role`
// (pg/roles.hpp) the pool is the owner's, and that role then gets its rights (grant_runtime).
// `runtime_role` by value: a coroutine spawned with the default would keep a reference to a
// temporary gone at its first suspension.
boost::asio::awaitable<Result<std::vector<int>>> migrate(
    PgPool& pool, const std::vector<Migration>& migrations = builtin_migrations(),
    log::Logger logger = log::Logger("migrate"),
    std::optional<std::string> runtime_role = std::nullopt);

// Start-up: `apply` migrates; `require_current` fails with schema_behind while anything is
// pending. Either way an edited applied migration fails (migration_checksum_mismatch).
boost::asio::awaitable<Status> ensure_schema(
    PgPool& pool, config::MigrateMode mode,
    const std::vector<Migration>& migrations = builtin_migrations(),
    log::Logger logger = log::Logger("migrate"),
    std::optional<std::string> runtime_role = std::nullopt);

}  // namespace blazed::pg
