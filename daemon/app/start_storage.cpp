// Owns building the daemon's connections to the outside: secrets resolved (and registered with
// the redactor), Redis, PostgreSQL with the schema check, the keyring, and the SP-API clients.
#include "app/parts.hpp"
#include "config/loader.hpp"
#include "core/errc.hpp"
#include "core/redact.hpp"
#include "crypto/key_memory.hpp"
#include "pg/migrate.hpp"
#include "pg/roles.hpp"
#include "spapi/from_config.hpp"

namespace blazed::app {
namespace asio = boost::asio;

namespace {

// Resolves an optional secret reference; a resolved value is masked in every log line from now on.
Result<std::optional<Secret>> resolve_optional(const std::optional<config::SecretRef>& ref,
                                               std::string_view key) {
  if (!ref) return std::optional<Secret>();
  auto s = config::resolve_secret(*ref);
  if (!s) return Error(blazed::errc::bad_config, std::string(key) + ": " + s.error().message);
  register_secret(*s);
  return std::optional<Secret>(std::move(*s));
}

Status start_redis(Parts& p) {
  auto password = resolve_optional(p.config.redis.password, "redis.password");
  if (!password) return password.error();
  try {
    p.redis = std::make_unique<redis::RedisClient>(p.io.get_executor(), p.config.redis, *password);
    p.redis_waiter =
        std::make_unique<redis::RedisClient>(p.io.get_executor(), p.config.redis, *password);
  } catch (const ErrorException& e) {
    return e.error().context("redis.url");
  }
  p.redis->on_state_change([&p](bool connected) {
    if (connected)
      p.logger.info("Redis connected");
    else
      p.logger.warn("Redis connection lost; reconnecting with backoff");
  });
  p.redis->start();
  p.redis_waiter->start();
  p.readiness.add_readiness_check("redis", [&p] {
    bool up = p.redis->connected();
    return health::CheckResult{up, up ? "connected" : "disconnected"};
  });
  p.on_stop("redis", [&p]() -> asio::awaitable<void> {
    p.redis_waiter->stop();
    p.redis->stop();
    co_return;
  });
  return {};
}

// Start-up migrations with postgres.migrate_dsn: a short-lived pool of the owner role, which also
// grants the runtime role its rights (docs/postgres.md, "Roles").
asio::awaitable<Status> migrate_as_owner(Parts& p) {
  auto runtime_role = pg::runtime_role(p.config.postgres);
  if (!runtime_role) co_return runtime_role.error();
  const config::PostgresConfig owner = pg::owner_settings(p.config.postgres);
  auto password = resolve_optional(owner.password, "postgres.migrate_password");
  if (!password) co_return password.error();
  pg::PgPool pool(p.io.get_executor(), owner, password->value_or(Secret()));
  pool.start();
  auto st = co_await pg::ensure_schema(pool, config::MigrateMode::apply, pg::builtin_migrations(),
                                       log::Logger("migrate"), *runtime_role);
  pool.stop();
  co_return st;
}

asio::awaitable<Status> start_postgres(Parts& p) {
  auto password = resolve_optional(p.config.postgres.password, "postgres.password");
  if (!password) co_return password.error();
  p.db = std::make_unique<pg::PgPool>(p.io.get_executor(), p.config.postgres,
                                      password->value_or(Secret()));
  p.db->start();
  p.on_stop("postgres", [&p]() -> asio::awaitable<void> {
    p.db->stop();
    co_return;
  });
  p.notifier.status("starting: checking the database schema");
  const bool owner_migrates = !p.config.postgres.migrate_dsn.empty() &&
                              p.config.postgres.migrate_on_start == config::MigrateMode::apply;
  if (owner_migrates) {
    if (auto st = co_await migrate_as_owner(p); !st) co_return st.error().context("database schema");
  } else if (auto st = co_await pg::ensure_schema(*p.db, p.config.postgres.migrate_on_start); !st) {
    co_return st.error().context("database schema");
  }
  p.readiness.add_readiness_check("postgres", [&p] {
    bool up = p.db->ready();
    return health::CheckResult{up, up ? "connected" : "unreachable"};
  });
  co_return Status{};
}

Status start_keyring(Parts& p) {
  // Before any key is read: keys must not end up in a core dump or be readable via ptrace.
  if (auto st = crypto::make_process_non_dumpable(); !st)
    p.logger.warn("could not mark the process non-dumpable", {{"error", st.error().message}});
  auto keyring = crypto::Keyring::load(p.config.keyring);
  if (!keyring) return keyring.error().context("keyring");
  p.keyring = std::make_unique<crypto::Keyring>(std::move(*keyring));
  p.logger.info("keyring loaded", {{"active_key", p.config.keyring.active_key}});
  return {};
}

Status start_spapi(Parts& p) {
  if (p.config.spapi.client_id.empty()) {
    p.logger.warn("spapi.client_id is not set: seller syncs cannot run");
    return {};
  }
  if (!p.config.spapi.client_secret)
    return Error(blazed::errc::bad_config, "spapi.client_secret must be set when spapi.client_id is");
  auto secret = resolve_optional(p.config.spapi.client_secret, "spapi.client_secret");
  if (!secret) return secret.error();
  auto setup = spapi::setup_from_config(p.config.spapi, std::move(**secret));
  if (!setup) return setup.error();
  auto http = http::Client::create(p.io.get_executor(), setup->http);
  if (!http) return http.error().context("spapi");
  p.http = std::move(*http);
  p.lwa = std::make_unique<spapi::LwaClient>(*p.http, p.clock, std::move(setup->lwa));
  p.spapi = std::make_unique<spapi::SpApiClient>(*p.http, *p.lwa, p.clock, std::move(setup->spapi));
  return {};
}

}  // namespace

asio::awaitable<Status> start_storage(Parts& p) {
  if (auto st = start_keyring(p); !st) co_return st;
  if (auto st = start_spapi(p); !st) co_return st;
  if (auto st = start_redis(p); !st) co_return st;
  co_return co_await start_postgres(p);
}

}  // namespace blazed::app
