// Owns bench_sync: orders ingested per second by the seller_sync job from the local SP-API
// server into a private PostgreSQL (100-order pages), and the process's peak RSS while syncing a
// seller with N orders (default 100,000): bounded, since the sync streams page by page.
#include "common/proc_status.hpp"
#include "crypto/key_file.hpp"
#include "harness/postgres.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_coro.hpp"
#include "harness/spapi_server.hpp"
#include "harness/temp_dir.hpp"
#include "jobs/sync/seller_sync.hpp"
#include "sync_rig.hpp"

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
  asio::io_context io;
  testing::SyncRigOptions o;
  o.pg_dsn = db.dsn();
  o.redis = redis.config();
  o.spapi_url = spapi.url();
  o.spapi_ca = spapi.ca_file().string();
  o.client_id = testing::SpapiServer::kClientId;
  o.client_secret = testing::SpapiServer::kClientSecret;
  o.key_dir = keydir.path();
  o.plans = {{"searchOrders", 1000, 100000}};
  testing::SyncRig rig(io, o);
  const auto seller = rig.add_seller("Atzr|bench");
  const std::string id = std::to_string(seller);
  // The generated orders span the 90 days before now; start the cursor before them.
  db.exec("INSERT INTO sync_state (seller_id, data_type, cursor) VALUES (" + id + ", 'orders', now() - interval '100 days')");

  const double rss_before = blazed::bench::proc_status_mb("VmRSS");
  auto request = jobs::sync::parse_sync_payload(jobs::sync::sync_payload(seller, "orders")).value();
  const auto start = std::chrono::steady_clock::now();
  queue::HandlerOutcome st = testing::run_coro(io, jobs::sync::run_seller_sync(*rig.ctx, *rig.metrics, request));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!st.is_done()) {
    const Error failure = st.error() != nullptr ? *st.error() : make_error("defer", st.deferral()->reason);
    std::fprintf(stderr, "bench_sync: the sync failed: %s: %s\n", failure.code.c_str(), failure.message.c_str());
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
  std::printf("RSS before the sync %.1f MiB, peak (VmHWM) %.1f MiB\n", rss_before, blazed::bench::proc_status_mb("VmHWM"));
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
