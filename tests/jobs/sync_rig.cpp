// Owns building a SyncRig (see sync_rig.hpp).
#include "sync_rig.hpp"

#include "crypto/envelope.hpp"
#include "crypto/hex.hpp"
#include "crypto/nonce.hpp"
#include "harness/postgres.hpp"
#include "harness/run_coro.hpp"
#include "pg/migrate.hpp"
#include "spapi/from_config.hpp"

#include <chrono>
#include <stdexcept>

namespace blazed::testing {

namespace {
template <class R>
void must(const R& r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().code + ": " + r.error().message);
}
}  // namespace

SyncRig::SyncRig(boost::asio::io_context& io_context, SyncRigOptions o) : io(io_context), options(std::move(o)) {
  crypto::KeyringOptions ko;
  ko.dir = options.key_dir;
  ko.active_key = "k1";
  auto loaded = crypto::Keyring::load(ko);
  must(loaded, "keyring");
  ring.emplace(std::move(*loaded));

  cfg.instance_id = "test";
  cfg.postgres.dsn = options.pg_dsn;
  cfg.postgres.pool_size = 3;
  pool = std::make_unique<pg::PgPool>(io.get_executor(), cfg.postgres, Secret{});
  must(run_coro(io, pg::migrate(*pool)), "migrate");

  cfg.redis = options.redis;
  redis_client = std::make_unique<redis::RedisClient>(io.get_executor(), cfg.redis);
  redis_client->start();
  must(run_coro(io, redis_client->wait_connected(std::chrono::seconds(10))), "redis");

  cfg.spapi.endpoint_na = options.spapi_url;
  cfg.spapi.lwa_endpoint = options.spapi_url + "/auth/o2/token";
  cfg.spapi.ca_file = options.spapi_ca;
  cfg.spapi.client_id = options.client_id;
  cfg.spapi.included_data = options.included_data;
  auto setup = spapi::setup_from_config(cfg.spapi, Secret(options.client_secret));
  must(setup, "spapi config");
  auto client = http::Client::create(io.get_executor(), setup->http);
  must(client, "http client");
  http = std::move(*client);
  lwa = std::make_unique<spapi::LwaClient>(*http, SystemClock::instance(), std::move(setup->lwa));
  api = std::make_unique<spapi::SpApiClient>(*http, *lwa, SystemClock::instance(), std::move(setup->spapi));

  cfg.rate_limit.plans = options.plans;
  auto plans = ratelimit::UsagePlans::make(cfg.rate_limit.plans);
  must(plans, "usage plans");
  const Clock& limiter_clock = options.limiter_clock != nullptr ? *options.limiter_clock : SystemClock::instance();
  limiter = std::make_unique<ratelimit::RateLimiter>(*redis_client, limiter_clock, std::move(*plans));
  ctx.reset(new jobs::JobContext{cfg, SystemClock::instance(), "test", *pool, *redis_client, *ring,
                                 crypto::random_nonces(), api.get(), *limiter, registry,
                                 [this](const std::string& queue) -> queue::Producer& {
                                   auto& p = producers[queue];
                                   if (!p)
                                     p = std::make_unique<queue::Producer>(
                                         *redis_client, queue::QueueKeys::make(queue).value(),
                                         SystemClock::instance());
                                   return *p;
                                 }});
  metrics = std::make_unique<jobs::sync::SyncMetrics>(registry);
}

std::int64_t SyncRig::add_seller(const std::string& refresh_token, const std::string& marketplaces) {
  auto rows = pg_exec(options.pg_dsn, "INSERT INTO sellers (region, marketplaces) VALUES ('na', '" +
                                          marketplaces + "') RETURNING id");
  const std::string id = *rows.at(0).at(0);
  auto env = crypto::seal(*ring, crypto::random_nonces(),
                          crypto::Aad{crypto::kPurposeSellerToken, "seller_tokens", id}, refresh_token);
  must(env, "seal");
  pg_exec(options.pg_dsn, "INSERT INTO seller_tokens (seller_id, ciphertext, key_id) VALUES (" + id + ", '\\x" +
                              crypto::to_hex(*env) + "', 'k1')");
  return std::stoll(id);
}

}  // namespace blazed::testing
