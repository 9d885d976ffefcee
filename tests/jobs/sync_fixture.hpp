// Owns the seller-sync tests' world: a real PostgreSQL database (migrated), redis-server, the
// local SP-API server, a keyring, the SP-API clients and a JobContext, plus helpers to add
// sellers, run a sync to its end (advancing the rate limiter's ManualClock and the server's clock
// on each deferral) and read the server's admin API.
#pragma once

#include "crypto/envelope.hpp"
#include "crypto/key_file.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "harness/catch_result.hpp"
#include "harness/postgres.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_coro.hpp"
#include "harness/spapi_server.hpp"
#include "harness/temp_dir.hpp"
#include "sync_rig.hpp"
#include "http/client.hpp"
#include "jobs/job_context.hpp"
#include "jobs/sync/seller_sync.hpp"
#include "jobs/sync/sync_metrics.hpp"
#include "metrics/registry.hpp"
#include "pg/migrate.hpp"
#include "pg/pool.hpp"
#include "queue/outcome.hpp"
#include "queue/handlers.hpp"
#include "queue/producer.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "redis/client.hpp"
#include "spapi/client.hpp"
#include "spapi/from_config.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace blazed::testing {

namespace sync_test {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

struct SyncWorld {
  SpapiServer spapi;
  RedisServer redis;
  PgDatabase db;
  TempDir keydir{"blazed-sync-keys"};
  asio::io_context io;
  ManualClock limiter_clock;  // the rate limiter's time: moved by run_to_end on each deferral
  std::unique_ptr<SyncRig> rig;
  // Shorthands into the rig.
  crypto::Keyring* ring = nullptr;
  pg::PgPool* pool = nullptr;
  redis::RedisClient* redis_client = nullptr;
  spapi::SpApiClient* api = nullptr;
  metrics::Registry* registry_ptr = nullptr;
  jobs::JobContext* ctx = nullptr;

  // plans: the rate limiter's overrides (operation, rate, burst).
  explicit SyncWorld(const std::string& server_config,
                     std::vector<config::RateLimitPlanConfig> plans = {},
                     std::vector<std::string> included_data = {"PROCEEDS", "FULFILLMENT"})
      : spapi(server_config), limiter_clock(SystemClock::instance().now()) {
    ::chmod(keydir.path().c_str(), 0700);
    REQUIRE(crypto::generate_key_file(keydir.path(), "k1").has_value());
    SyncRigOptions o;
    o.pg_dsn = db.dsn();
    o.redis = redis.config();
    o.spapi_url = spapi.url();
    o.spapi_ca = spapi.ca_file().string();
    o.client_id = SpapiServer::kClientId;
    o.client_secret = SpapiServer::kClientSecret;
    o.key_dir = keydir.path();
    o.plans = std::move(plans);
    o.included_data = std::move(included_data);
    o.limiter_clock = &limiter_clock;
    rig = std::make_unique<SyncRig>(io, std::move(o));
    ring = &*rig->ring;
    pool = rig->pool.get();
    redis_client = rig->redis_client.get();
    api = rig->api.get();
    registry_ptr = &rig->registry;
    ctx = rig->ctx.get();
  }

  metrics::Registry& registry() { return *registry_ptr; }

  std::int64_t add_seller(const std::string& refresh_token, const std::string& marketplaces = "{}") {
    return rig->add_seller(refresh_token, marketplaces);
  }

  // Starts the seller's first sync of `type` this far back (the default look-back is 30 days,
  // the server's data spans 90).
  void set_cursor(std::int64_t seller, const std::string& type, const std::string& interval) {
    db.exec("INSERT INTO sync_state (seller_id, data_type, cursor) VALUES (" + std::to_string(seller) +
            ", '" + type + "', now() - interval '" + interval + "')");
  }

  queue::HandlerOutcome run_once(std::int64_t seller, const std::string& data) {
    auto request = jobs::sync::parse_sync_payload(jobs::sync::sync_payload(seller, data)).value();
    return run_coro(io, jobs::sync::run_seller_sync(*ctx, *rig->metrics, request));
  }

  // Runs until the sync ends with anything but a deferral; on each deferral moves the limiter's
  // clock to the due time and the server's clock by as much (its buckets refill by then).
  // `deferrals` counts them. Returns the last run's error, if any.
  Status run_to_end(std::int64_t seller, const std::string& data, int* deferrals = nullptr) {
    return run_until_done([&] { return run_once(seller, data); }, deferrals);
  }

  // The same for any job run (`once` runs it one time).
  Status run_until_done(const std::function<queue::HandlerOutcome()>& once, int* deferrals = nullptr) {
    for (int i = 0; i < 10'000; ++i) {
      queue::HandlerOutcome st = once();
      if (st.is_done()) return {};
      const queue::Defer* due = st.deferral();
      if (due == nullptr) return *st.error();
      if (deferrals != nullptr) ++*deferrals;
      auto wait = due->until - limiter_clock.now();
      if (wait < 0ms) wait = 0ms;
      limiter_clock.advance(wait + 1ms);
      const double seconds = std::chrono::duration<double>(wait).count();
      admin("POST", "/clock", R"({"advanceSeconds":)" + std::to_string(std::ceil(seconds * 1000) / 1000 + 0.001) + "}");
    }
    FAIL("the sync never finished");
    return make_error("never", "never");
  }

  json::value admin(const std::string& method, const std::string& path, const std::string& body = "") {
    const HttpReply reply = spapi.admin(method, path, body);
    INFO(method << " " << path << ": " << reply.body);
    REQUIRE(reply.status < 300);
    return json::parse(reply.body);
  }

  // The server's count of `status` replies for (seller, operation), 0 when none.
  std::int64_t served(const std::string& seller, const std::string& op, const std::string& status) {
    auto stats = admin("GET", "/stats");
    const auto* s = stats.at("sellers").as_object().if_contains(seller);
    if (s == nullptr) return 0;
    const auto* o = s->as_object().if_contains(op);
    if (o == nullptr) return 0;
    const auto* n = o->as_object().if_contains(status);
    return n == nullptr ? 0 : n->to_number<std::int64_t>();
  }

  std::int64_t count(const std::string& sql) { return std::stoll(*db.exec(sql).at(0).at(0)); }
};

}  // namespace sync_test
}  // namespace blazed::testing
