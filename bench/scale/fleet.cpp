// Owns starting a scale bench's fleet (see fleet.hpp).
#include "scale/fleet.hpp"

#include "crypto/envelope.hpp"
#include "crypto/hex.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "harness/run_coro.hpp"
#include "pg/migrate.hpp"
#include "pg/pool.hpp"
#include "scale/figures.hpp"

#include <boost/asio/io_context.hpp>

#include <stdexcept>

namespace blazed::bench {

namespace {

constexpr const char* kSecretVar = "BLAZED_BENCH_LWA_SECRET";

// The SP-API server's sellers: S1..SN, refresh token Atzr|sN, 4 orders and 2 transactions.
std::string spapi_config(long sellers) {
  std::string out = R"({"sellers":[)";
  for (long i = 1; i <= sellers; ++i) {
    if (i > 1) out += ',';
    const auto n = std::to_string(i);
    out += R"({"sellerId":"S)" + n + R"(","refreshToken":"Atzr|s)" + n + R"(","orders":4,"transactions":2})";
  }
  return out + "]}";
}

void migrate(const std::string& dsn) {
  boost::asio::io_context io;
  config::PostgresConfig cfg;
  cfg.dsn = dsn;
  pg::PgPool pool(io.get_executor(), cfg, Secret{});
  auto done = testing::run_coro(io, pg::migrate(pool));
  pool.stop();
  if (!done) throw std::runtime_error("migrate: " + done.error().message);
}

}  // namespace

Fleet::Fleet(const FleetOptions& options) : options_(options) {
  // The server answers for every seller; its start-up time grows with N.
  spapi_ = std::make_unique<testing::SpapiServer>(spapi_config(options_.sellers), std::chrono::minutes(10));
  env_ = std::make_unique<testing::DaemonEnv>();
  migrate(env_->db().dsn());
  pg_empty_bytes_ = pg_database_bytes(*env_);
  store_sellers();
}

Fleet::~Fleet() {
  for (auto& d : daemons_) {
    d->signal(SIGTERM);
    (void)d->wait_exit(std::chrono::seconds(30));
  }
}

void Fleet::store_sellers() {
  const auto& db = env_->db();
  db.exec("INSERT INTO sellers (id, region) OVERRIDING SYSTEM VALUE SELECT i, 'na' FROM generate_series(1, " +
          std::to_string(options_.sellers) + ") AS i");
  crypto::KeyringOptions ko;
  ko.dir = env_->dir() / "keys";
  ko.active_key = "k1";
  auto ring = crypto::Keyring::load(ko);
  if (!ring) throw std::runtime_error("keyring: " + ring.error().message);
  // Batches of 2,000 rows per INSERT.
  for (long first = 1; first <= options_.sellers; first += 2000) {
    std::string sql = "INSERT INTO seller_tokens (seller_id, ciphertext, key_id) VALUES ";
    for (long i = first; i < first + 2000 && i <= options_.sellers; ++i) {
      const auto id = std::to_string(i);
      auto env = crypto::seal(*ring, crypto::random_nonces(),
                              crypto::Aad{crypto::kPurposeSellerToken, "seller_tokens", id}, "Atzr|s" + id);
      if (!env) throw std::runtime_error("seal: " + env.error().message);
      sql += (i > first ? ",(" : "(") + id + ", '\\x" + crypto::to_hex(*env) + "', 'k1')";
    }
    db.exec(sql);
  }
  db.exec("VACUUM ANALYZE");
}

void Fleet::start_daemons() {
  ::setenv(kSecretVar, testing::SpapiServer::kClientSecret, 1);
  const std::string yaml =
      "queue:\n  queues: [default, sync]\n  concurrency: " + std::to_string(options_.concurrency) + "\n" +
      "sync:\n  interval: " + options_.interval + "\n  jitter: " + options_.jitter + "\n" +
      "spapi:\n  endpoint_na: " + spapi_->url() + "\n  lwa_endpoint: " + spapi_->url() + "/auth/o2/token\n" +
      "  client_id: " + testing::SpapiServer::kClientId + "\n  client_secret: env:" + kSecretVar + "\n" +
      "  ca_file: " + spapi_->ca_file().string() + "\n" +
      "log:\n  level: warn\n";
  for (int i = 0; i < options_.daemons; ++i) {
    instances_.push_back(env_->add_instance("scale-" + std::to_string(i + 1), yaml));
    daemons_.push_back(std::make_unique<testing::DaemonProcess>(
        testing::kBlazedBinary, std::vector<std::string>{"--config", instances_.back().config.string()},
        instances_.back().dir));
  }
  for (std::size_t i = 0; i < daemons_.size(); ++i) {
    if (!daemons_[i]->wait_for_notify("READY=1", std::chrono::minutes(2)))
      throw std::runtime_error("daemon " + instances_[i].id + " did not start:\n" + daemons_[i]->output());
  }
}

std::vector<pid_t> Fleet::daemon_pids() const {
  std::vector<pid_t> out;
  for (const auto& d : daemons_) out.push_back(d->pid());
  return out;
}

std::vector<std::uint16_t> Fleet::health_ports() const {
  std::vector<std::uint16_t> out;
  for (const auto& i : instances_) out.push_back(i.health_port);
  return out;
}

}  // namespace blazed::bench
