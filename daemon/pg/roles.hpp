// Owns the split between the schema owner role (migrations) and the runtime role (the daemon):
// which connection migrations use and the grants that give the runtime role only what it uses.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "pg/executor.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace blazed::pg {

// The settings of the pool migrations run on: postgres.migrate_dsn when set, else postgres.dsn.
config::PostgresConfig owner_settings(const config::PostgresConfig& c);

// The runtime role migrations grant to: the user postgres.dsn names when postgres.migrate_dsn is
// set (nullopt without it: one role owns and runs). Fails with pg_runtime_role when postgres.dsn
// names no user, or cannot be parsed.
Result<std::optional<std::string>> runtime_role(const config::PostgresConfig& c);

// Runs blazed_grant_runtime (migration 0100) as the owner: `role` gets exactly the rights the
// daemon uses, the audit table INSERT and SELECT only.
boost::asio::awaitable<Status> grant_runtime(Executor& owner, const std::string& role);

}  // namespace blazed::pg
