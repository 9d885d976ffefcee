// Owns building the daemon's connections to the outside: secrets resolved (and registered with
// the redactor), Redis, PostgreSQL with the schema check, the keyring, and the SP-API clients.
#include "app/check_config.hpp"
#include "app/exit_codes.hpp"
#include "app/parts.hpp"
#include "config/loader.hpp"
#include "core/errc.hpp"
#include "core/redact.hpp"
#include "crypto/key_memory.hpp"
#include "pg/migrate.hpp"
#include "pg/roles.hpp"
#include "redis/server_settings.hpp"
#include "spapi/from_config.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace blazed::app {
namespace asio = boost::asio;

namespace {

// The last verdict on Redis's own settings, written on the io thread, read by /readyz.
struct SettingsVerdict {
  std::mutex mutex;
  health::CheckResult result{false, "not read yet"};
};

// Reads Redis's eviction policy and persistence (at start-up and after every reconnect: a
// failover may land on a server configured otherwise) and records the verdict.
asio::awaitable<void> check_redis_settings(Parts& p, std::shared_ptr<SettingsVerdict> verdict) {
  auto s = co_await redis::read_server_settings(*p.redis);
  health::CheckResult r;
  if (!s) {
    r = {false, "could not read: " + s.error().code};
  } else {
    const auto problem = redis::eviction_problem(*s);
    const bool fails = problem && p.config.redis.eviction_policy_fails;
    r = {!fails, problem ? *problem + "; " + redis::describe(*s) : redis::describe(*s)};
    if (problem)
      p.logger.warn("Redis settings put the queue at risk", {{"detail", r.detail}});
    else
      p.logger.info("Redis settings", {{"detail", r.detail}});
  }
  std::lock_guard lock(verdict->mutex);
  verdict->result = std::move(r);
}

// One connection state, read where the client keeps it, seen twice: as the readiness check
// `check` (/readyz, `blazectl health`) and as the 1/0 gauge `metric` (alerts).
void watch_connection(Parts& p, const std::string& check, const std::string& metric,
                      std::function<bool()> up, const char* down_detail) {
  p.readiness.add_readiness_check(check, [up, down_detail] {
    const bool ok = up();
    return health::CheckResult{ok, ok ? "connected" : down_detail};
  });
  p.metrics.callback_gauge(metric, "1 while the " + check + " connection is usable, else 0",
                           [up] { return up() ? 1.0 : 0.0; });
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
  // Logged for the main client only (the waiter follows it); a loss during stop is expected.
  // After every (re)connect the server's settings are read again: a failover may land on a
  // server configured otherwise.
  auto verdict = std::make_shared<SettingsVerdict>();
  p.redis->on_state_change([&p, verdict](bool connected) {
    const auto endpoint = p.redis->endpoint().describe();
    if (connected) {
      p.logger.info("Redis connected", {{"endpoint", endpoint}});
      asio::co_spawn(p.io, check_redis_settings(p, verdict), asio::detached);
    } else if (!p.stopping) {
      p.logger.warn("Redis connection lost; reconnecting with backoff", {{"endpoint", endpoint}});
    }
  });
  p.redis->start();
  p.redis_waiter->start();
  watch_connection(p, "redis", "blazed_redis_up", [&p] { return p.redis->connected(); },
                   "disconnected");
  p.readiness.add_readiness_check("redis_settings", [verdict] {
    std::lock_guard lock(verdict->mutex);
    return verdict->result;
  });
  p.on_stop("redis", [&p]() -> asio::awaitable<void> {
    p.redis_waiter->stop();
    p.redis->stop();
    co_return;
  });
  return {};
}

// A rejected server certificate ends the start (exit 78, exit_codes.hpp). Redis merely down does
// not: the daemon starts unready and keeps reconnecting, as always. The first attempt's transport
// (TCP and TLS) is bounded by connect_timeout, so twice that leaves it time to have failed.
asio::awaitable<Status> refuse_rejected_redis_certificate(Parts& p) {
  p.notifier.status("starting: connecting to Redis");
  if (co_await p.redis->wait_connected(2 * p.config.redis.connect_timeout)) co_return Status{};
  const auto failure = p.redis->last_connect_error();
  if (!failure) co_return Status{};
  if (auto rejected = redis_certificate_error(*failure)) co_return *rejected;
  co_return Status{};
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

// A rejected server certificate ends the start as a config error (exit 78, exit_codes.hpp); the
// pool itself keeps treating it as PostgreSQL unreachable.
Error schema_check_failure(const Error& e, bool owner_migrates) {
  const char* dsn_key = owner_migrates ? "postgres.migrate_dsn" : "postgres.dsn";
  if (auto rejected = postgres_certificate_error(e, dsn_key)) return *rejected;
  return e.context("database schema");
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
  Status schema;  // awaited in plain statements: GCC 12 mishandles a co_await inside ?:
  if (owner_migrates)
    schema = co_await migrate_as_owner(p);
  else
    schema = co_await pg::ensure_schema(*p.db, p.config.postgres.migrate_on_start);
  if (!schema) co_return schema_check_failure(schema.error(), owner_migrates);
  watch_connection(p, "postgres", "blazed_postgres_up", [&p] { return p.db->ready(); },
                   "unreachable");
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
  auto setup = spapi_setup(p.config.spapi);
  if (!setup) return setup.error();
  if (!*setup) {
    p.logger.warn("spapi.client_id is not set: seller syncs cannot run");
    return {};
  }
  (*setup)->lwa.metrics = &p.spapi_metrics;
  (*setup)->spapi.metrics = &p.spapi_metrics;
  auto http = http::Client::create(p.io.get_executor(), (*setup)->http);
  if (!http) return http.error().context("spapi");
  p.http = std::move(*http);
  p.lwa = std::make_unique<spapi::LwaClient>(*p.http, p.clock, std::move((*setup)->lwa));
  p.spapi = std::make_unique<spapi::SpApiClient>(*p.http, *p.lwa, p.clock, std::move((*setup)->spapi));
  return {};
}

}  // namespace

asio::awaitable<Status> start_storage(Parts& p) {
  if (auto st = start_keyring(p); !st) co_return st;
  if (auto st = start_spapi(p); !st) co_return st;
  if (auto st = start_redis(p); !st) co_return st;
  if (auto st = co_await refuse_rejected_redis_certificate(p); !st) co_return st;
  co_return co_await start_postgres(p);
}

}  // namespace blazed::app
