// Owns SyncRig: the clients and JobContext a seller sync needs (PostgreSQL pool, Redis client,
// keyring, SP-API clients, rate limiter, metrics), built against services that already run. Shared
// by the sync tests, their SIGKILL helper process and bench/sync; no test framework inside.
#pragma once

#include "config/config.hpp"
#include "crypto/keyring.hpp"
#include "http/client.hpp"
#include "jobs/job_context.hpp"
#include "jobs/sync/sync_metrics.hpp"
#include "metrics/registry.hpp"
#include "pg/pool.hpp"
#include "queue/producer.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "redis/client.hpp"
#include "spapi/client.hpp"

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace blazed::testing {

struct SyncRigOptions {
  std::string pg_dsn;
  config::RedisConfig redis;
  std::string spapi_url;     // SP-API and LWA endpoint
  std::string spapi_ca;      // CA file to trust
  std::string client_id;
  std::string client_secret;
  std::filesystem::path key_dir;  // holds key "k1" (created by generate_key_file)
  std::vector<config::RateLimitPlanConfig> plans;
  std::vector<std::string> included_data = {"PROCEEDS", "FULFILLMENT"};
  const Clock* limiter_clock = nullptr;  // default: the system clock
};

class SyncRig {
 public:
  // Connects and migrates; throws std::runtime_error on failure (test set-up).
  SyncRig(boost::asio::io_context& io, SyncRigOptions options);

  // A seller with its refresh token sealed as the daemon stores it; returns its id.
  std::int64_t add_seller(const std::string& refresh_token, const std::string& marketplaces = "{}");

  boost::asio::io_context& io;
  SyncRigOptions options;
  config::Config cfg;
  std::optional<crypto::Keyring> ring;
  std::unique_ptr<pg::PgPool> pool;
  std::unique_ptr<redis::RedisClient> redis_client;
  std::unique_ptr<http::Client> http;
  std::unique_ptr<spapi::LwaClient> lwa;
  std::unique_ptr<spapi::SpApiClient> api;
  std::unique_ptr<ratelimit::RateLimiter> limiter;
  metrics::Registry registry;
  std::map<std::string, std::unique_ptr<queue::Producer>> producers;
  std::unique_ptr<jobs::JobContext> ctx;
  std::unique_ptr<jobs::sync::SyncMetrics> metrics;
};

}  // namespace blazed::testing
