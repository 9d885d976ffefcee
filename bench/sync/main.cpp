// Owns bench_sync: orders ingested per second by the seller_sync job from the local SP-API
// server into a private PostgreSQL (100-order pages), and the process's peak RSS while syncing a
// seller with N orders (default 100,000): bounded, since the sync streams page by page.
#include "crypto/envelope.hpp"
#include "crypto/hex.hpp"
#include "crypto/key_file.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "harness/postgres.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_coro.hpp"
#include "harness/spapi_server.hpp"
#include "harness/temp_dir.hpp"
#include "jobs/job_context.hpp"
#include "jobs/sync/seller_sync.hpp"
#include "jobs/sync/sync_metrics.hpp"
#include "metrics/registry.hpp"
#include "pg/migrate.hpp"
#include "pg/pool.hpp"
#include "queue/handlers.hpp"
#include "queue/producer.hpp"
#include "queue/rate_limiter.hpp"
#include "redis/client.hpp"
#include "spapi/from_config.hpp"

#include <boost/asio/io_context.hpp>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

using namespace blazed;
namespace asio = boost::asio;

namespace {

double status_mb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}

int run(long orders) {
  // The server's plan and the limiter's are raised: this measures the pipeline, not Amazon's plan.
  testing::SpapiServer spapi(R"({"sellers":[{"sellerId":"BENCH","refreshToken":"Atzr|bench","orders":)" +
                             std::to_string(orders) +
                             R"(,"seed":11,"plans":{"searchOrders":{"rate":1000,"burst":100000}}}]})");
  testing::RedisServer redis;
  testing::PgDatabase db;
  testing::TempDir keydir("blazed-bench-sync-keys");
  ::chmod(keydir.path().c_str(), 0700);
  if (!crypto::generate_key_file(keydir.path(), "k1")) return 1;
  crypto::KeyringOptions ko;
  ko.dir = keydir.path();
  ko.active_key = "k1";
  auto ring = crypto::Keyring::load(ko).value();

  asio::io_context io;
  config::Config cfg;
  cfg.postgres.dsn = db.dsn();
  cfg.postgres.pool_size = 2;
  pg::PgPool pool(io.get_executor(), cfg.postgres, Secret{});
  if (!testing::run_coro(io, pg::migrate(pool))) return 1;
  cfg.redis = redis.config();
  redis::RedisClient rc(io.get_executor(), cfg.redis);
  rc.start();
  if (!testing::run_coro(io, rc.wait_connected(std::chrono::seconds(10)))) return 1;
  cfg.spapi.endpoint_na = spapi.url();
  cfg.spapi.lwa_endpoint = spapi.url() + "/auth/o2/token";
  cfg.spapi.ca_file = spapi.ca_file().string();
  cfg.spapi.client_id = testing::SpapiServer::kClientId;
  auto setup = spapi::setup_from_config(cfg.spapi, Secret(testing::SpapiServer::kClientSecret)).value();
  auto http = http::Client::create(io.get_executor(), setup.http).value();
  spapi::LwaClient lwa(*http, SystemClock::instance(), std::move(setup.lwa));
  spapi::SpApiClient api(*http, lwa, SystemClock::instance(), std::move(setup.spapi));
  cfg.rate_limit.plans = {{"searchOrders", 1000, 100000}};
  queue::RateLimiter limiter(rc, SystemClock::instance(), queue::UsagePlans::make(cfg.rate_limit.plans).value());
  metrics::Registry registry;
  queue::Producer producer(rc, queue::QueueKeys::make("sync").value(), SystemClock::instance());
  jobs::JobContext ctx{cfg, SystemClock::instance(), "bench", pool, rc, ring, crypto::random_nonces(), &api,
                       limiter, registry, [&producer](const std::string&) -> queue::Producer& { return producer; }};
  jobs::sync::SyncMetrics sync_metrics(registry);

  auto id = db.exec("INSERT INTO sellers (region) VALUES ('na') RETURNING id").at(0).at(0).value();
  auto env = crypto::seal(ring, crypto::random_nonces(), crypto::Aad{crypto::kPurposeSellerToken, "seller_tokens", id},
                          "Atzr|bench")
                 .value();
  db.exec("INSERT INTO seller_tokens (seller_id, ciphertext) VALUES (" + id + ", '\\x" + crypto::to_hex(env) + "')");
  // The generated orders span the 90 days before now; start the cursor before them.
  db.exec("INSERT INTO sync_state (seller_id, data_type, cursor) VALUES (" + id + ", 'orders', now() - interval '100 days')");

  const double rss_before = status_mb("VmRSS");
  auto request = jobs::sync::parse_sync_payload(jobs::sync::sync_payload(std::stoll(id), "orders")).value();
  const auto start = std::chrono::steady_clock::now();
  Status st = testing::run_coro(io, jobs::sync::run_seller_sync(ctx, sync_metrics, request));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!st) {
    std::fprintf(stderr, "bench_sync: the sync failed: %s: %s\n", st.error().code.c_str(), st.error().message.c_str());
    return 1;
  }
  const long stored = std::stol(db.exec("SELECT count(*) FROM orders").at(0).at(0).value());
  const long pages = std::stol(db.exec("SELECT count(*) FROM raw_payloads").at(0).at(0).value());
  if (stored != orders) {
    std::fprintf(stderr, "bench_sync: %ld orders stored, expected %ld\n", stored, orders);
    return 1;
  }
  std::printf("orders %ld in %ld pages of 100: %.2f s, %.0f orders/s (target >= 5000)\n", stored, pages, seconds,
              static_cast<double>(stored) / seconds);
  std::printf("RSS before the sync %.1f MiB, peak (VmHWM) %.1f MiB\n", rss_before, status_mb("VmHWM"));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const long orders = argc > 1 ? std::atol(argv[1]) : 100'000;
  if (orders <= 0) {
    std::fprintf(stderr, "usage: bench_sync [ORDERS]\n");
    return 2;
  }
  try {
    return run(orders);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_sync: %s\n", e.what());
    return 1;
  }
}
