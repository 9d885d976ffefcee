// Owns `blazed --check-config` and the config steps the start-up path shares with it (see
// check_config.hpp). Note: the offline checks build the parts they validate but never start them.
#include "app/check_config.hpp"

#include "app/exit_codes.hpp"
#include "config/loader.hpp"
#include "core/errc.hpp"
#include "core/redact.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "http/client.hpp"
#include "jobs/backup/targets.hpp"
#include "jobs/duty.hpp"
#include "jobs/job_context.hpp"
#include "metrics/registry.hpp"
#include "pg/migrate.hpp"
#include "pg/pool.hpp"
#include "queue/keys.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "redis/client.hpp"
#include "schedule/scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdio>

namespace blazed::app {
namespace asio = boost::asio;

Result<std::optional<Secret>> resolve_optional(const std::optional<config::SecretRef>& ref,
                                               std::string_view key) {
  if (!ref) return std::optional<Secret>();
  auto s = config::resolve_secret(*ref);
  if (!s) return Error(blazed::errc::bad_config, std::string(key) + ": " + s.error().message);
  register_secret(*s);
  return std::optional<Secret>(std::move(*s));
}

Result<std::optional<spapi::ClientSetup>> spapi_setup(const config::SpApiConfig& config) {
  if (config.client_id.empty()) return std::optional<spapi::ClientSetup>();
  if (!config.client_secret)
    return Error(blazed::errc::bad_config, "spapi.client_secret must be set when spapi.client_id is");
  auto secret = resolve_optional(config.client_secret, "spapi.client_secret");
  if (!secret) return secret.error();
  auto setup = spapi::setup_from_config(config, std::move(**secret));
  if (!setup) return setup.error();
  return std::optional<spapi::ClientSetup>(std::move(*setup));
}

Status check_schedule_jobs(const std::vector<config::ScheduleConfig>& schedules,
                           const queue::Handlers& job_types) {
  for (const auto& s : schedules) {
    if (job_types.find(s.job) == nullptr)
      return Error(blazed::errc::bad_config,
                   "schedule '" + s.name + "' enqueues job type '" + s.job + "', which no duty runs");
  }
  return {};
}

namespace {

using Problems = std::vector<ConfigProblem>;

const std::string kRedisOnline = "redis (online)";
const std::string kPostgresOnline = "postgres (online)";

template <class T>
Status status_of(const Result<T>& r) {
  if (!r) return r.error();
  return {};
}

void add_if_failed(Problems& out, std::string area, const Status& st) {
  if (!st) out.push_back({std::move(area), st.error()});
}

void check_secrets(Problems& out, const config::Config& c) {
  add_if_failed(out, "redis.password", status_of(resolve_optional(c.redis.password, "redis.password")));
  add_if_failed(out, "postgres.password",
                status_of(resolve_optional(c.postgres.password, "postgres.password")));
}

void check_spapi(Problems& out, const config::Config& c, asio::io_context& io) {
  auto setup = spapi_setup(c.spapi);
  if (!setup) return add_if_failed(out, "spapi", setup.error());
  if (!*setup) return;
  // Builds the TLS context too, so an unreadable spapi.ca_file shows here.
  auto http = http::Client::create(io.get_executor(), (*setup)->http);
  if (!http) add_if_failed(out, "spapi", http.error());
}

void check_backup(Problems& out, const config::Config& c, asio::io_context& io) {
  if (c.backup.targets.empty()) return;
  auto targets = jobs::backup::open_targets(io.get_executor(), c.backup);
  if (!targets) add_if_failed(out, "backup.targets", targets.error());
}

void check_queues(Problems& out, const config::Config& c) {
  for (const auto& name : c.queue.queues)
    add_if_failed(out, "queue.queues", status_of(queue::QueueKeys::make(name)));
  for (const auto& s : jobs::schedules_with_defaults(c.scheduler.schedules))
    add_if_failed(out, "schedules", status_of(queue::QueueKeys::make(s.queue)));
}

// The job types exist only once the duties register them with a JobContext; this one's parts
// are built (no connection is opened) and dropped with it.
Status check_job_types(const config::Config& c, crypto::Keyring& keyring, asio::io_context& io) {
  const Clock& clock = SystemClock::instance();
  pg::PgPool db(io.get_executor(), c.postgres, Secret());
  std::optional<redis::RedisClient> redis;
  try {
    redis.emplace(io.get_executor(), c.redis);
  } catch (const ErrorException& e) {
    return e.error().context("redis.url");
  }
  auto plans = ratelimit::UsagePlans::make(c.rate_limit.plans);
  if (!plans) return plans.error().context("rate_limit.plans");
  ratelimit::RateLimiter limiter(*redis, clock, std::move(*plans));
  metrics::Registry metrics;
  jobs::JobContext ctx{c, clock, c.instance_id, db, *redis, keyring, crypto::random_nonces(),
                       nullptr, limiter, metrics,
                       [](const std::string&) -> queue::Producer& {
                         throw ErrorException(Error(blazed::errc::bad_config, "no queue offline"));
                       }};
  queue::Handlers handlers;
  if (auto st = jobs::register_job_types(handlers, ctx); !st) return st;
  return check_schedule_jobs(jobs::schedules_with_defaults(c.scheduler.schedules), handlers);
}

void check_scheduling(Problems& out, const config::Config& c, crypto::Keyring* keyring,
                      asio::io_context& io) {
  config::SchedulerConfig with_defaults = c.scheduler;
  with_defaults.schedules = jobs::schedules_with_defaults(c.scheduler.schedules);
  add_if_failed(out, "schedules", status_of(schedule::compile_schedules(with_defaults)));
  add_if_failed(out, "rate_limit.plans",
                status_of(ratelimit::UsagePlans::make(c.rate_limit.plans)));
  if (keyring != nullptr) add_if_failed(out, "schedules", check_job_types(c, *keyring, io));
}

// The secrets resolved for --online (offline_problems has already reported a failure).
struct OnlineSecrets {
  std::optional<Secret> redis;
  Secret postgres;
};

OnlineSecrets online_secrets(const config::Config& c) {
  OnlineSecrets out;
  if (auto r = resolve_optional(c.redis.password, "redis.password")) out.redis = std::move(*r);
  if (auto p = resolve_optional(c.postgres.password, "postgres.password"))
    out.postgres = std::move(*p).value_or(Secret());
  return out;
}

// Pending migrations are a problem only when the daemon would refuse them.
Status usable_schema(const config::Config& c, const Result<pg::SchemaStatus>& status) {
  if (!status) return status.error();
  if (!status->pending.empty() && c.postgres.migrate_on_start == config::MigrateMode::require_current)
    return Error(pg::errc::schema_behind,
                 std::to_string(status->pending.size()) + " migration(s) pending; run `blazed migrate`");
  return {};
}

// Redis answers PING and the database's schema can be read and is usable by this binary. A server
// certificate the configuration rejects is a config problem (78), as at start-up.
asio::awaitable<Problems> online_problems(const config::Config& c) {
  Problems out;
  auto executor = co_await asio::this_coro::executor;
  auto secrets = online_secrets(c);
  redis::RedisClient redis(executor, c.redis, std::move(secrets.redis));
  redis.start();
  auto up = co_await redis.wait_connected(c.redis.connect_timeout);
  if (!up && redis.last_connect_error()) {
    if (auto rejected = redis_certificate_error(*redis.last_connect_error())) up = *rejected;
  }
  if (up) {
    redis::Args ping{std::string("PING")};  // a literal in the co_await trips g++ 12
    up = status_of(redis::checked(co_await redis.command(std::move(ping))));
  }
  add_if_failed(out, kRedisOnline, up);
  redis.stop();
  pg::PgPool db(executor, c.postgres, std::move(secrets.postgres));
  auto status = co_await pg::schema_status(db);
  Status usable = usable_schema(c, status);
  if (!usable) {
    if (auto rejected = postgres_certificate_error(usable.error(), "postgres.dsn")) usable = *rejected;
  }
  add_if_failed(out, kPostgresOnline, usable);
  db.stop();
  co_return out;
}

}  // namespace

std::vector<ConfigProblem> offline_problems(const config::Config& config) {
  Problems out;
  asio::io_context io(1);
  check_secrets(out, config);
  auto keyring = crypto::Keyring::load(config.keyring);
  if (!keyring) add_if_failed(out, "keyring", keyring.error());
  check_spapi(out, config, io);
  check_backup(out, config, io);
  check_queues(out, config);
  check_scheduling(out, config, keyring ? &*keyring : nullptr, io);
  return out;
}

int run_check_config(const std::string& path, bool online) {
  auto loaded = config::load_config_file(path);
  if (!loaded) {
    std::fprintf(stderr, "blazed: %s\n", loaded.error().message.c_str());
    return kExitConfig;
  }
  auto problems = offline_problems(*loaded);
  int exit_code = problems.empty() ? kExitOk : kExitConfig;
  if (online && problems.empty()) {
    asio::io_context io(1);
    auto done = asio::co_spawn(io, online_problems(*loaded), asio::use_future);
    io.run();
    problems = done.get();
    for (const auto& p : problems)
      exit_code = std::max(exit_code, start_failure_exit_code(p.error));
  }
  for (const auto& p : problems)
    std::fprintf(stderr, "blazed: %s: %s: %s (%s)\n", path.c_str(), p.area.c_str(),
                 p.error.message.c_str(), p.error.code.c_str());
  if (!problems.empty()) return exit_code;
  std::printf("%s: configuration is valid%s\n", path.c_str(),
              online ? " (Redis and PostgreSQL answered)" : "");
  return kExitOk;
}

}  // namespace blazed::app
