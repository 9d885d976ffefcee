// Owns the test world of a job or operator command: a real PostgreSQL database (migrated) and
// redis-server, a key directory, and a JobContext over them with a ManualClock, all on one
// io_context that the test drives; operator commands are called through it as blazectl would.
#pragma once

#include "control/registry.hpp"
#include "crypto/key_file.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "harness/postgres.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_coro.hpp"
#include "harness/temp_dir.hpp"
#include "jobs/command_call.hpp"
#include "jobs/job_context.hpp"
#include "metrics/registry.hpp"
#include "pg/migrate.hpp"
#include "pg/pool.hpp"
#include "queue/producer.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "redis/client.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace blazed::testing {

struct JobWorld {
  TempDir keydir{"blazed-job-keys"};
  PgDatabase db;
  RedisServer redis_server;
  boost::asio::io_context io;
  // Key files are "created" at the clock's start; tests advance it to age them.
  ManualClock clock;
  config::Config config;
  std::unique_ptr<pg::PgPool> pool;
  std::unique_ptr<redis::RedisClient> redis;
  std::unique_ptr<ratelimit::RateLimiter> limiter;
  metrics::Registry metrics;
  std::map<std::string, std::unique_ptr<queue::Producer>> producers;
  std::optional<crypto::Keyring> keyring;
  std::optional<jobs::JobContext> ctx;

  // Keys `ids` are written (v1 files created now on `clock`); `active` is the active key.
  JobWorld(const std::vector<std::string>& ids, const std::string& active, const std::string& legacy = "") {
    ::chmod(keydir.path().c_str(), 0700);
    for (const auto& id : ids) REQUIRE(crypto::generate_key_file(keydir.path(), id, clock).has_value());
    config.instance_id = "test-instance";
    config.keyring.dir = keydir.path().string();
    config.keyring.active_key = active;
    config.keyring.legacy_key = legacy;
    keyring.emplace(with_active(active));
    config::PostgresConfig pg_cfg;
    pg_cfg.dsn = db.dsn();
    pg_cfg.pool_size = 2;
    pool = std::make_unique<pg::PgPool>(io.get_executor(), pg_cfg, Secret{});
    REQUIRE(run_coro(io, pg::migrate(*pool)).has_value());
    redis = std::make_unique<redis::RedisClient>(io.get_executor(), redis_server.config());
    redis->start();
    REQUIRE(run_coro(io, redis->wait_connected(std::chrono::seconds(10))).has_value());
    limiter = std::make_unique<ratelimit::RateLimiter>(*redis, clock, ratelimit::UsagePlans::make().value());
    ctx.emplace(jobs::JobContext{config, clock, config.instance_id, *pool, *redis, *keyring,
                                 crypto::random_nonces(), nullptr, *limiter, metrics,
                                 [this](const std::string& name) -> queue::Producer& {
                                   auto& p = producers[name];
                                   if (!p)
                                     p = std::make_unique<queue::Producer>(
                                         *redis, queue::QueueKeys::make(name).value(), clock);
                                   return *p;
                                 }});
  }
  ~JobWorld() {
    redis->stop();
    pool->stop();
  }

  // Runs a registered operator command as blazectl would, from uid 1234.
  Result<boost::json::value> call(control::CommandRegistry& registry, const std::string& name,
                                  boost::json::object args = {}) {
    return call_command(io, registry, name, std::move(args));
  }

  // Switches the active key in place (what a reload with a new keyring.active_key does).
  void activate(const std::string& active) {
    config.keyring.active_key = active;
    *keyring = with_active(active);
  }

  [[nodiscard]] crypto::Keyring with_active(const std::string& active) const {
    auto cfg = config.keyring;
    cfg.active_key = active;
    return crypto::Keyring::load(cfg).value();
  }
};

}  // namespace blazed::testing
