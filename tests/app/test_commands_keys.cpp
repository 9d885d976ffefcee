// Tests the key and seller token control commands on real PostgreSQL and Redis: keys.status
// (ages, rows per key, retirable keys, rotation progress, LWA secret age), keys.rotate,
// sellers.connect (only ciphertext stored, bound to the seller row; a canary token never
// reaches a table, the audit trail or a log line), sellers.disconnect, and the credential gauges.
#include "core/log.hpp"
#include "crypto/ciphertext.hpp"
#include "crypto/hex.hpp"
#include "harness/catch_result.hpp"
#include "jobs/job_world.hpp"
#include "jobs/keys/key_rotation.hpp"
#include "jobs/keys/keys_commands.hpp"
#include "jobs/sellers/sellers_commands.hpp"
#include "jobs/keys/credential_metrics.hpp"

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

using namespace blazed;
using namespace blazed::testing;
namespace json = boost::json;

namespace {

constexpr auto kDay = std::chrono::hours(24);
const std::string kCanary = "Atzr|IwEBIcanary-refresh-token-7f3a9c";

struct Commands {
  JobWorld& w;
  control::CommandRegistry registry;
  explicit Commands(JobWorld& world) : w(world) {
    REQUIRE(jobs::register_keys_commands(registry, *w.ctx));
    REQUIRE(jobs::sellers::register_seller_token_commands(registry, *w.ctx));
  }

  Result<json::value> call(const std::string& name, json::object args = {}) {
    return w.call(registry, name, std::move(args));
  }
  std::int64_t connect(const std::string& token, const std::string& region = "na") {
    auto r = call("sellers.connect", {{"region", region},
                                      {"marketplaces", json::array{"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"}},
                                      {"refresh_token", token}});
    REQUIRE(r);
    return r->at("seller_id").as_int64();
  }
};

const json::object& key_entry(const json::value& status, const std::string& id) {
  for (const auto& k : status.at("keys").as_array())
    if (k.at("id") == id.c_str()) return k.as_object();
  FAIL("no key " << id << " in keys.status");
  throw std::logic_error("unreachable");
}

std::string hex_of(const std::string& s) {
  return crypto::to_hex(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

}  // namespace

TEST_CASE("keys.status shows ages against policy, rows per key, retirable keys and rotation progress", "[pg][redis]") {
  JobWorld w({"k-old", "k-spare"}, "k-old");
  w.config.credential_ages.lwa_client_secret_created =
      std::chrono::floor<std::chrono::days>(w.clock.now()) - std::chrono::days(90);
  Commands c(w);
  for (int i = 0; i < 3; ++i) c.connect(kCanary + std::to_string(i));

  // 100 days later a new key is generated and made active.
  w.clock.advance(100 * kDay);
  REQUIRE(crypto::generate_key_file(w.keydir.path(), "k-new", w.clock));
  w.activate("k-new");

  auto status = c.call("keys.status");
  REQUIRE(status);
  INFO(json::serialize(*status));
  CHECK(status->at("active_key") == "k-new");
  CHECK(status->at("rotation_needed") == true);
  CHECK(status->at("rows_to_rotate").at("seller_tokens") == 3);
  CHECK(status->at("rows_to_rotate").at("raw_payloads") == 0);
  const auto& old_key = key_entry(*status, "k-old");
  CHECK(old_key.at("age_days") == 100);
  CHECK(old_key.at("age_seconds") == 100 * 86400);
  CHECK(old_key.at("max_age_days") == 90);
  CHECK(old_key.at("over_policy") == true);
  CHECK(old_key.at("rows").at("seller_tokens") == 3);
  CHECK(old_key.at("retirable") == false);
  const auto& spare = key_entry(*status, "k-spare");
  CHECK(spare.at("over_policy") == true);
  CHECK(spare.at("retirable") == true);
  const auto& fresh = key_entry(*status, "k-new");
  CHECK(fresh.at("active") == true);
  CHECK(fresh.at("age_days") == 0);
  CHECK(fresh.at("over_policy") == false);
  CHECK(fresh.at("retirable") == false);  // the active key never is, even with no rows
  const auto& lwa = status->at("lwa_client_secret");
  CHECK(lwa.at("known") == true);
  CHECK(lwa.at("age_days") == 190);
  CHECK(lwa.at("max_age_days") == 180);
  CHECK(lwa.at("over_policy") == true);
  CHECK(status->at("rotation_runs").as_array().empty());

  // keys.rotate queues the job once; rotation done, k-old can be retired.
  auto queued = c.call("keys.rotate");
  REQUIRE(queued);
  CHECK(queued->at("duplicate") == false);
  CHECK(queued->at("target_key") == "k-new");
  auto twice = c.call("keys.rotate");
  REQUIRE(twice);
  CHECK(twice->at("duplicate") == true);
  CHECK(twice->at("job_id") == queued->at("job_id"));
  auto bad_table = c.call("keys.rotate", {{"table", "orders"}});
  REQUIRE(!bad_table);
  CHECK(bad_table.error().code == "bad_args");

  REQUIRE(run_coro(w.io, jobs::rotate_table(*w.pool, *w.keyring, w.ctx->nonces, jobs::seller_tokens_table())));
  auto after = c.call("keys.status");
  REQUIRE(after);
  INFO(json::serialize(*after));
  CHECK(after->at("rotation_needed") == false);
  CHECK(key_entry(*after, "k-old").at("retirable") == true);
  CHECK(key_entry(*after, "k-new").at("rows").at("seller_tokens") == 3);
  const auto& runs = after->at("rotation_runs").as_array();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].at("table") == "seller_tokens");
  CHECK(runs[0].at("target_key") == "k-new");
  CHECK(runs[0].at("running") == false);
  CHECK(runs[0].at("rewrapped") == 3);
}

TEST_CASE("keys.status names keys still referenced by rows but not loaded, and an unknown LWA age", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  Commands c(w);
  const auto id = c.connect(kCanary);
  w.db.exec("UPDATE seller_tokens SET key_id = 'k0-retired' WHERE seller_id = " + std::to_string(id));
  auto status = c.call("keys.status");
  REQUIRE(status);
  INFO(json::serialize(*status));
  const auto& missing = status->at("missing_keys").as_array();
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].at("id") == "k0-retired");
  CHECK(missing[0].at("rows").at("seller_tokens") == 1);
  CHECK(status->at("lwa_client_secret").at("known") == false);
  CHECK(status->at("lwa_client_secret").at("age_days").is_null());
}

TEST_CASE("keys.status says when the legacy key can be removed", "[pg][redis]") {
  JobWorld w({"k1", "node-legacy"}, "k1", "node-legacy");
  Commands c(w);
  const auto id = c.connect(kCanary);
  // A row as the web app wrote it: key_id NULL (its bytes do not matter to the count).
  w.db.exec("UPDATE seller_tokens SET key_id = NULL WHERE seller_id = " + std::to_string(id));
  auto before = c.call("keys.status");
  REQUIRE(before);
  CHECK(before->at("legacy_rows").at("seller_tokens") == 1);
  CHECK(before->at("legacy_key_removable") == false);

  w.db.exec("UPDATE seller_tokens SET key_id = 'k1' WHERE seller_id = " + std::to_string(id));
  auto after = c.call("keys.status");
  REQUIRE(after);
  CHECK(after->at("legacy_key_removable") == true);

  JobWorld plain({"k1"}, "k1");
  Commands none(plain);
  CHECK(none.call("keys.status")->at("legacy_key_removable") == false);  // no legacy key at all
}

TEST_CASE("sellers.connect stores only a ciphertext bound to the seller row; the token is nowhere else", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  Commands c(w);
  std::string logs;
  log::Settings s;
  s.level = log::Level::trace;
  log::configure(s);
  log::capture_to(&logs);
  const auto id = c.connect(kCanary, "eu");
  const auto other = c.connect(kCanary + "-other");
  log::capture_to(nullptr);
  log::configure(log::Settings{});

  auto seller = w.db.exec("SELECT region, array_to_string(marketplaces, ','), status FROM sellers WHERE id = " +
                          std::to_string(id));
  REQUIRE(seller.size() == 1);
  CHECK(seller[0][0] == std::optional<std::string>("eu"));
  CHECK(seller[0][1] == std::optional<std::string>("ATVPDKIKX0DER,A2EUQ1WTGCTBG2"));
  CHECK(seller[0][2] == std::optional<std::string>("active"));

  // The stored value opens to the token with this seller's AAD only.
  auto row = w.db.exec("SELECT encode(ciphertext, 'hex'), key_id FROM seller_tokens WHERE seller_id = " +
                       std::to_string(id));
  REQUIRE(row.size() == 1);
  CHECK(row[0][1] == std::optional<std::string>("k1"));
  const auto bytes = crypto::from_hex(*row[0][0]).value();
  const std::string mine = std::to_string(id);
  const std::string theirs = std::to_string(other);
  auto opened = crypto::open_stored(*w.keyring, crypto::Aad{crypto::kPurposeSellerToken, "seller_tokens", mine}, row[0][1], bytes);
  REQUIRE(opened);
  CHECK(*opened == kCanary);
  auto moved = crypto::open_stored(*w.keyring, crypto::Aad{crypto::kPurposeSellerToken, "seller_tokens", theirs}, row[0][1], bytes);
  REQUIRE(!moved);
  CHECK(moved.error().code == "crypto_tampered");

  // No column of any table holds the token, as text or as its bytes.
  long tables = 0;
  for (const auto& t : w.db.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
    ++tables;
    const auto dump = w.db.exec("SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM " + *t[0] + " t");
    const std::string text = *dump[0][0];
    CHECK(text.find("canary-refresh-token") == std::string::npos);
    CHECK(text.find(hex_of(kCanary)) == std::string::npos);
  }
  CHECK(tables >= 4);
  CHECK(logs.find("canary-refresh-token") == std::string::npos);

  auto audit = w.db.exec("SELECT actor, seller_id, data_type, rows, outcome, detail->>'key_id' FROM audit_events "
                         "WHERE action = 'sellers.connect' AND seller_id = " + mine);
  REQUIRE(audit.size() == 1);
  CHECK(audit[0][0] == std::optional<std::string>("uid:1234"));
  CHECK(audit[0][2] == std::optional<std::string>("tokens"));
  CHECK(audit[0][3] == std::optional<std::string>("1"));
  CHECK(audit[0][4] == std::optional<std::string>("success"));
  CHECK(audit[0][5] == std::optional<std::string>("k1"));
}

TEST_CASE("sellers.connect refuses bad arguments without echoing the token, and stores nothing", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  Commands c(w);
  const json::array markets{"ATVPDKIKX0DER"};
  struct Case {
    const char* what;
    json::object args;
  };
  std::vector<Case> cases{
      {"bad region", {{"region", "us"}, {"marketplaces", markets}, {"refresh_token", kCanary}}},
      {"no marketplaces", {{"region", "na"}, {"refresh_token", kCanary}}},
      {"bad marketplace", {{"region", "na"}, {"marketplaces", json::array{"atvp dk"}}, {"refresh_token", kCanary}}},
      {"no token", {{"region", "na"}, {"marketplaces", markets}}},
      {"token with a space", {{"region", "na"}, {"marketplaces", markets}, {"refresh_token", kCanary + " x"}}},
      {"empty token", {{"region", "na"}, {"marketplaces", markets}, {"refresh_token", ""}}},
  };
  for (auto& k : cases) {
    INFO(k.what);
    auto r = c.call("sellers.connect", k.args);
    REQUIRE(!r);
    CHECK(r.error().code == "bad_args");
    CHECK(r.error().message.find("canary") == std::string::npos);
  }
  CHECK(w.db.exec("SELECT count(*) FROM sellers")[0][0] == std::optional<std::string>("0"));
  // A comma-separated string works too (what `blazectl call --arg` sends).
  auto ok = c.call("sellers.connect",
                   {{"region", "fe"}, {"marketplaces", "A1VC38T7YXB528,A39IBJ37TRP1C6"}, {"refresh_token", kCanary}});
  REQUIRE(ok);
  CHECK(w.db.exec("SELECT cardinality(marketplaces) FROM sellers")[0][0] == std::optional<std::string>("2"));
}

TEST_CASE("sellers.disconnect deletes the token at once and records an audit event", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  Commands c(w);
  const auto id = c.connect(kCanary);
  const auto keep = c.connect(kCanary + "-kept");
  auto r = c.call("sellers.disconnect", {{"seller_id", id}});
  REQUIRE(r);
  CHECK(r->at("token_deleted") == true);
  CHECK(r->at("status") == "disconnected");
  CHECK(w.db.exec("SELECT count(*) FROM seller_tokens WHERE seller_id = " + std::to_string(id))[0][0] ==
        std::optional<std::string>("0"));
  CHECK(w.db.exec("SELECT count(*) FROM seller_tokens WHERE seller_id = " + std::to_string(keep))[0][0] ==
        std::optional<std::string>("1"));
  CHECK(w.db.exec("SELECT status FROM sellers WHERE id = " + std::to_string(id))[0][0] ==
        std::optional<std::string>("disconnected"));
  auto audit = w.db.exec("SELECT actor, rows, outcome FROM audit_events WHERE action = 'sellers.disconnect' "
                         "AND seller_id = " + std::to_string(id));
  REQUIRE(audit.size() == 1);
  CHECK(audit[0][0] == std::optional<std::string>("uid:1234"));
  CHECK(audit[0][1] == std::optional<std::string>("1"));
  CHECK(audit[0][2] == std::optional<std::string>("success"));

  // Again: nothing left to delete, still audited; an unknown seller is not_found (and not audited).
  auto again = c.call("sellers.disconnect", {{"seller_id", std::to_string(id)}});
  REQUIRE(again);
  CHECK(again->at("token_deleted") == false);
  auto unknown = c.call("sellers.disconnect", {{"seller_id", 999999}});
  REQUIRE(!unknown);
  CHECK(unknown.error().code == "not_found");
  CHECK(w.db.exec("SELECT count(*) FROM audit_events WHERE action = 'sellers.disconnect'")[0][0] ==
        std::optional<std::string>("2"));
}

TEST_CASE("credential gauges: key ages and policy, the LWA secret's age when known", "[pg][redis]") {
  JobWorld w({"k-old"}, "k-old");
  jobs::register_credential_metrics(w.metrics, *w.ctx);
  auto text = w.metrics.expose();
  CHECK(text.find("blazed_key_age_seconds{key_id=\"k-old\"} 0\n") != std::string::npos);
  CHECK(text.find("blazed_key_over_policy{key_id=\"k-old\"} 0\n") != std::string::npos);
  CHECK(text.find("\nblazed_lwa_client_secret_age_seconds ") == std::string::npos);

  w.clock.advance(91 * kDay);
  w.config.credential_ages.lwa_client_secret_created =
      std::chrono::floor<std::chrono::days>(w.clock.now()) - std::chrono::days(10);
  text = w.metrics.expose();
  CHECK(text.find("blazed_key_age_seconds{key_id=\"k-old\"} 7862400\n") != std::string::npos);
  CHECK(text.find("blazed_key_over_policy{key_id=\"k-old\"} 1\n") != std::string::npos);
  const auto lwa_age = std::chrono::duration_cast<std::chrono::seconds>(
      w.clock.now() - Clock::time_point(*w.config.credential_ages.lwa_client_secret_created));
  CHECK(text.find("blazed_lwa_client_secret_age_seconds " + std::to_string(lwa_age.count()) + "\n") !=
        std::string::npos);
  CHECK(text.find("blazed_lwa_client_secret_over_policy 0\n") != std::string::npos);
}
