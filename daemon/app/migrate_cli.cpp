// Owns `blazed migrate`: one PostgreSQL pool, the migration runner, plain-text output.
#include "app/migrate_cli.hpp"

#include "config/loader.hpp"
#include "pg/migrate.hpp"
#include "pg/pool.hpp"
#include "pg/roles.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdio>

namespace blazed::app {
namespace asio = boost::asio;

namespace {

std::string join(const std::vector<int>& versions) {
  std::string out;
  for (int v : versions) out += (out.empty() ? "" : ", ") + std::to_string(v);
  return out.empty() ? "none" : out;
}

asio::awaitable<int> migrate(pg::PgPool& pool, bool status_only,
                             const std::optional<std::string>& runtime_role) {
  if (status_only) {
    auto status = co_await pg::schema_status(pool);
    if (!status) {
      std::fprintf(stderr, "blazed migrate: %s\n", status.error().message.c_str());
      co_return 1;
    }
    std::printf("applied version: %d\npending: %s\n", status->current_version,
                join(status->pending).c_str());
    if (!status->unknown.empty())
      std::printf("applied by a newer blazed: %s\n", join(status->unknown).c_str());
    co_return status->pending.empty() ? 0 : 3;
  }
  auto applied = co_await pg::migrate(pool, pg::builtin_migrations(), log::Logger("migrate"), runtime_role);
  if (!applied) {
    std::fprintf(stderr, "blazed migrate: %s\n", applied.error().message.c_str());
    co_return 1;
  }
  std::printf("applied: %s\n", join(*applied).c_str());
  co_return 0;
}

}  // namespace

int run_migrate(const config::Config& config, bool status_only) {
  // Migrations run as the schema owner: postgres.migrate_dsn when set (docs/postgres.md, "Roles").
  const config::PostgresConfig owner = pg::owner_settings(config.postgres);
  const char* password_key = config.postgres.migrate_dsn.empty() ? "postgres.password" : "postgres.migrate_password";
  auto runtime_role = pg::runtime_role(config.postgres);
  if (!runtime_role) {
    std::fprintf(stderr, "blazed migrate: %s\n", runtime_role.error().message.c_str());
    return 1;
  }
  Secret password;
  if (owner.password) {
    auto s = config::resolve_secret(*owner.password);
    if (!s) {
      std::fprintf(stderr, "blazed migrate: %s: %s\n", password_key, s.error().message.c_str());
      return 1;
    }
    password = std::move(*s);
  }
  asio::io_context io(1);
  pg::PgPool pool(io.get_executor(), owner, std::move(password));
  pool.start();
  auto done = asio::co_spawn(io, [&]() -> asio::awaitable<int> {
    int code = co_await migrate(pool, status_only, *runtime_role);
    pool.stop();
    co_return code;
  }, asio::use_future);
  io.run();
  return done.get();
}

}  // namespace blazed::app
