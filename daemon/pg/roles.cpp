// Owns the owner/runtime role split: the migration connection, the runtime role's name, its grants.
#include "pg/roles.hpp"

#include "pg/errc.hpp"

#include <libpq-fe.h>

#include <memory>

namespace blazed::pg {
namespace asio = boost::asio;

config::PostgresConfig owner_settings(const config::PostgresConfig& c) {
  config::PostgresConfig owner = c;
  if (!c.migrate_dsn.empty()) {
    owner.dsn = c.migrate_dsn;
    owner.password = c.migrate_password;
    owner.pool_size = 1;
  }
  return owner;
}

Result<std::optional<std::string>> runtime_role(const config::PostgresConfig& c) {
  if (c.migrate_dsn.empty()) return std::optional<std::string>();
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(c.dsn.c_str(), &err), &PQconninfoFree);
  if (err) PQfreemem(err);  // its text may quote the DSN, which may hold a password
  if (!options)
    return make_error(errc::pg_runtime_role, "postgres.dsn cannot be parsed");
  for (auto* o = options.get(); o->keyword; ++o)
    if (std::string_view(o->keyword) == "user" && o->val && *o->val)
      return std::optional<std::string>(o->val);
  return make_error(errc::pg_runtime_role,
                    "postgres.dsn names no user: with postgres.migrate_dsn it must name the "
                    "runtime role (user=...)");
}

asio::awaitable<Status> grant_runtime(Executor& owner, const std::string& role) {
  auto rows = co_await owner.query("SELECT blazed_grant_runtime($1)", role);
  if (!rows) co_return rows.error().context("granting the runtime role " + role + " its rights");
  co_return Status{};
}

}  // namespace blazed::pg
