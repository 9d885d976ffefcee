// Tests the seller_sync job against real PostgreSQL, redis-server and the local SP-API server:
// pagination of orders and transactions, idempotent re-runs, resumption after a failure
// mid-pagination with no gap and no duplicate, broken pages committing nothing, 429 storms,
// access tokens expiring mid-sync, revoked refresh tokens, and the canary PII rule.
#include "sync_fixture.hpp"

#include "crypto/ciphertext.hpp"
#include "crypto/hex.hpp"
#include "jobs/sync/sync_store.hpp"
#include "core/log.hpp"
#include "harness/daemon_process.hpp"

#include <signal.h>

#include <set>

using namespace blazed;
using namespace blazed::testing;
using namespace blazed::testing::sync_test;

namespace {

const std::string kGenerated = R"({"sellers":[
  {"sellerId":"GEN1","refreshToken":"Atzr|gen-1","orders":250,"transactions":60,"seed":7,
   "transactionsPerPage":20,"emptyPageEvery":2,
   "plans":{"searchOrders":{"rate":50,"burst":100},"listTransactions":{"rate":50,"burst":100}}}]})";

// The limiter's plans: as generous as the server's, so these tests see no 429.
std::vector<config::RateLimitPlanConfig> generous() {
  return {{"searchOrders", 50, 100}, {"listTransactions", 50, 100}};
}

std::int64_t server_orders(SyncWorld& w, const std::string& seller) {
  return w.admin("GET", "/sellers/" + seller).at("orders").to_number<std::int64_t>();
}

}  // namespace

TEST_CASE("a generated seller syncs every order and transaction page by page, idempotently", "[spapi][pg]") {
  SyncWorld w(kGenerated, generous());
  const auto seller = w.add_seller("Atzr|gen-1");
  w.set_cursor(seller, "orders", "100 days");
  w.set_cursor(seller, "transactions", "100 days");

  REQUIRE(w.run_to_end(seller, "all"));
  const std::string s = std::to_string(seller);
  CHECK(w.count("SELECT count(*) FROM orders WHERE seller_id = " + s) == 250);
  CHECK(w.count("SELECT count(DISTINCT order_id) FROM orders") == 250);
  CHECK(w.count("SELECT count(*) FROM order_items") >= 250);
  CHECK(w.count("SELECT count(*) FROM transactions WHERE seller_id = " + s) == 60);
  // Amounts kept exactly: the server sends 19 fraction digits, more than a double holds.
  CHECK(w.count("SELECT count(*) FROM transactions WHERE scale(total_amount) = 19") == 60);
  // 3 order pages (100 per page); transactions: 3 full pages plus the empty ones between them.
  CHECK(w.count("SELECT count(*) FROM raw_payloads WHERE data_type = 'orders'") == 3);
  const auto tx_pages = w.count("SELECT count(*) FROM raw_payloads WHERE data_type = 'transactions'");
  CHECK(tx_pages >= 4);
  CHECK(w.served("GEN1", "listTransactions", "200") == tx_pages);
  // The cursor is at the window end and no run is left open.
  CHECK(w.count("SELECT count(*) FROM sync_state WHERE cursor IS NOT NULL AND run_after IS NULL "
                "AND resume_token IS NULL AND last_error IS NULL AND last_success_at IS NOT NULL") == 2);
  CHECK(w.count("SELECT last_pages FROM sync_state WHERE data_type = 'orders'") == 3);
  CHECK(w.count("SELECT last_rows FROM sync_state WHERE data_type = 'orders'") == 250);
  // One audit event per stored page, with its request id; the run's last page counts the run. The
  // token's decryption and its LWA exchange are audited with the first page they served.
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sync.orders'") == 3);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sync.transactions'") == tx_pages);
  CHECK(w.count("SELECT count(*) FROM raw_payloads r WHERE NOT EXISTS (SELECT 1 FROM audit_events a "
                "WHERE a.action = 'sync.' || r.data_type AND r.request_id = ANY(a.request_ids))") == 0);
  auto audit = w.db.exec("SELECT outcome, detail->>'run_pages', detail->>'run_rows', detail->>'deferrals' "
                         "FROM audit_events WHERE action = 'sync.orders' AND detail ? 'run_pages'");
  REQUIRE(audit.size() == 1);
  CHECK(*audit[0][0] == "success");
  CHECK(*audit[0][1] == "3");
  CHECK(*audit[0][2] == "250");
  CHECK(*audit[0][3] == "0");
  CHECK(w.count("SELECT sum(rows) FROM audit_events WHERE action = 'sync.transactions'") == 60);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'tokens.decrypt' AND seller_id = " + s) == 1);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'lwa.exchange' AND seller_id = " + s) == 1);
  // Raw pages open with the keyring and their row's AAD, and hold the page as received.
  auto raw = w.db.exec("SELECT id, encode(ciphertext, 'hex'), key_id FROM raw_payloads WHERE data_type = 'orders' LIMIT 1");
  auto plain = crypto::open_stored(*w.ring, crypto::Aad{crypto::kPurposeRawPayload, "raw_payloads", *raw[0][0]},
                                   raw[0][2], crypto::from_hex(*raw[0][1]).value());
  REQUIRE(plain.has_value());
  CHECK(plain->find("\"orders\"") != std::string::npos);
  // Metrics.
  const std::string exposed = w.registry().expose();
  CHECK(exposed.find(R"(blazed_sync_runs_total{data_type="orders",outcome="success"} 1)") != std::string::npos);
  CHECK(exposed.find(R"(blazed_sync_rows_total{data_type="orders"} 250)") != std::string::npos);
  CHECK(exposed.find("seller=") == std::string::npos);

  SECTION("a second run re-reads only the overlap and duplicates nothing") {
    const std::string now(w.admin("GET", "/clock").at("now").as_string());
    w.admin("POST", "/sellers/GEN1/orders", R"({"bump":{"count":5},"at":")" + now + "\"}");
    // The bumped orders become visible once two minutes old.
    w.admin("POST", "/clock", R"({"advanceSeconds":400})");
    const auto before = w.served("GEN1", "searchOrders", "200");
    REQUIRE(w.run_to_end(seller, "orders"));
    CHECK(w.served("GEN1", "searchOrders", "200") == before + 1);
    CHECK(w.count("SELECT count(*) FROM orders") == 250);
    CHECK(w.count("SELECT count(DISTINCT order_id) FROM orders") == 250);
  }
}

TEST_CASE("a sync stopped mid-pagination and broken pages resume with no gap and no duplicate", "[spapi][pg]") {
  // The limiter allows two pages, then defers: the run stops after page 2 with its resume token.
  SyncWorld w(kGenerated, {{"searchOrders", 0.001, 2}, {"listTransactions", 50, 100}});
  const auto seller = w.add_seller("Atzr|gen-1");
  w.set_cursor(seller, "orders", "100 days");
  const std::string s = std::to_string(seller);

  queue::HandlerOutcome first = w.run_once(seller, "orders");
  REQUIRE(first.deferral() != nullptr);
  CHECK(w.count("SELECT count(*) FROM orders") == 200);
  CHECK(w.count("SELECT count(*) FROM sync_state WHERE resume_token IS NOT NULL AND run_pages = 2") == 1);
  // The deferral is counted on the run, not audited as an event of its own.
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sync.orders'") == 2);
  CHECK(w.count("SELECT run_deferrals FROM sync_state") == 1);
  const auto cursor_before = *w.db.exec("SELECT cursor FROM sync_state").at(0).at(0);

  // Each kind of broken page fails the run cleanly and commits nothing past page 2.
  for (const char* kind : {"malformed", "truncate", "oversize"}) {
    INFO(kind);
    w.admin("POST", "/faults", std::string(R"({"kind":")") + kind + R"(","operation":"searchOrders"})");
    w.limiter_clock.advance(std::chrono::hours(1));
    queue::HandlerOutcome broken = w.run_once(seller, "orders");
    REQUIRE(std::holds_alternative<queue::Retry>(broken.kind()));
    CHECK(w.count("SELECT count(*) FROM orders") == 200);
    CHECK(w.count("SELECT count(*) FROM raw_payloads") == 2);
    CHECK(w.count("SELECT run_pages FROM sync_state") == 2);
    CHECK(*w.db.exec("SELECT cursor FROM sync_state").at(0).at(0) == cursor_before);
    CHECK(w.count("SELECT count(*) FROM sync_state WHERE last_error IS NOT NULL") == 1);
  }

  w.limiter_clock.advance(std::chrono::hours(1));
  REQUIRE(w.run_to_end(seller, "orders"));
  CHECK(w.count("SELECT count(*) FROM orders") == server_orders(w, "GEN1"));
  CHECK(w.count("SELECT count(DISTINCT order_id) FROM orders") == 250);
  // Resumed at page 3: three pages stored in all, no page fetched twice successfully.
  CHECK(w.count("SELECT count(*) FROM raw_payloads") == 3);
  // Three good pages and the three broken replies (sent with status 200).
  CHECK(w.served("GEN1", "searchOrders", "200") == 3 + 3);
  CHECK(w.count("SELECT count(*) FROM sync_state WHERE run_after IS NULL AND last_error IS NULL") == 1);
  // One event per stored page and one per failed run; the run's row counts its deferrals.
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sync.orders' AND outcome = 'success'") == 3);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sync.orders' AND outcome = 'failure'") == 3);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE outcome = 'partial'") == 0);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE detail ? 'run_pages' AND (detail->>'deferrals')::int >= 1") == 1);
}

TEST_CASE("a 429 storm slows the bucket down and all data still comes in", "[spapi][pg]") {
  SyncWorld w(kGenerated, generous());
  const auto seller = w.add_seller("Atzr|gen-1");
  w.set_cursor(seller, "orders", "100 days");
  w.admin("POST", "/faults", R"({"kind":"throttle","operation":"searchOrders","count":6})");
  int deferrals = 0;
  REQUIRE(w.run_to_end(seller, "orders", &deferrals));
  CHECK(w.count("SELECT count(*) FROM orders") == 250);
  CHECK(w.served("GEN1", "searchOrders", "429") == 6);
  CHECK(deferrals >= 6);  // every 429 empties the bucket: the run comes back when it refills
  CHECK(w.served("GEN1", "searchOrders", "200") == 3);
}

TEST_CASE("the sync never asks more than the seller's plan allows", "[spapi][pg]") {
  // The server's plan and the limiter's agree (burst 3, 1 request/s): no 429 at all, however
  // many pages, because a page is only requested with a token in hand.
  const std::string config = R"({"sellers":[
    {"sellerId":"GEN1","refreshToken":"Atzr|gen-1","orders":950,"seed":3,
     "plans":{"searchOrders":{"rate":1,"burst":3}}}]})";
  SyncWorld w(config, {{"searchOrders", 1, 3}});
  const auto seller = w.add_seller("Atzr|gen-1");
  w.set_cursor(seller, "orders", "100 days");
  int deferrals = 0;
  REQUIRE(w.run_to_end(seller, "orders", &deferrals));
  CHECK(w.count("SELECT count(*) FROM orders") == 950);
  CHECK(w.served("GEN1", "searchOrders", "429") == 0);
  CHECK(w.served("GEN1", "searchOrders", "200") == 10);
  CHECK(deferrals >= 7);
}

TEST_CASE("an access token expiring mid-sync is refreshed once and the sync goes on", "[spapi][pg]") {
  SyncWorld w(kGenerated, {{"searchOrders", 0.001, 1}, {"listTransactions", 50, 100}});
  const auto seller = w.add_seller("Atzr|gen-1");
  w.set_cursor(seller, "orders", "100 days");
  queue::HandlerOutcome first = w.run_once(seller, "orders");
  REQUIRE(first.deferral() != nullptr);
  w.admin("POST", "/sellers/GEN1/expire-tokens");
  REQUIRE(w.run_to_end(seller, "orders"));
  CHECK(w.count("SELECT count(*) FROM orders") == 250);
  CHECK(w.served("GEN1", "searchOrders", "403") == 1);
  CHECK(w.served("GEN1", "lwa", "200") == 2);
}

TEST_CASE("a revoked refresh token marks the seller as needing re-authorization", "[spapi][pg]") {
  SyncWorld w(kGenerated, generous());
  const auto seller = w.add_seller("Atzr|gen-1");
  w.admin("POST", "/sellers/GEN1/revoke", R"({"expireAccessTokens":true})");
  queue::HandlerOutcome st = w.run_once(seller, "all");
  REQUIRE(std::holds_alternative<queue::Permanent>(st.kind()));
  CHECK(st.error()->code == "permanent");
  CHECK(*w.db.exec("SELECT status FROM sellers").at(0).at(0) == "needs_reauth");
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'seller.needs_reauth' AND outcome = 'denied'") == 1);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sync.orders' AND outcome = 'denied'") == 1);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'lwa.exchange' AND outcome = 'denied'") >= 1);
  CHECK(w.registry().expose().find("blazed_sync_needs_reauth_total 1") != std::string::npos);
  CHECK(w.count("SELECT count(*) FROM sync_state WHERE last_error LIKE 'lwa_invalid_grant%'") == 1);
  // No further runs: the job ends permanently and asks nothing of Amazon.
  queue::HandlerOutcome again = w.run_once(seller, "orders");
  REQUIRE(std::holds_alternative<queue::Permanent>(again.kind()));
  CHECK(again.error()->code == "permanent");
  CHECK(w.served("GEN1", "lwa", "400") == 1);
}

TEST_CASE("an error recorded in sync_state.last_error is redacted first", "[spapi][pg]") {
  SyncWorld w(kGenerated, generous());
  const auto seller = w.add_seller("Atzr|gen-1");
  jobs::sync::SyncStore store(*w.pool, SystemClock::instance(), *w.ring, crypto::random_nonces(),
                              "redaction-test");
  const Error echoed = make_error("spapi_bad_request",
                                  "400: {\"token\":\"Atzr|IwEBIcanary-5\",\"to\":\"jane.doe@example.com\","
                                  "\"form\":\"refresh_token=Atzr%7CIwEBIcanary-6\"}");
  REQUIRE(run_coro(w.io, store.record_error(seller, jobs::sync::DataType::orders, echoed)));
  const auto stored = *w.db.exec("SELECT last_error FROM sync_state").at(0).at(0);
  CAPTURE(stored);
  CHECK(stored.starts_with("spapi_bad_request: 400: "));
  CHECK(stored.find("canary") == std::string::npos);
  CHECK(stored.find("jane.doe") == std::string::npos);
}

TEST_CASE("a wrong client secret raises the global alert", "[spapi][pg]") {
  SyncWorld w(kGenerated, generous());
  const auto seller = w.add_seller("Atzr|gen-1");
  w.admin("PUT", "/lwa", R"({"clientSecret":"another-secret"})");
  std::string logs;
  log::capture_to(&logs);
  queue::HandlerOutcome st = w.run_once(seller, "orders");
  log::capture_to(nullptr);
  REQUIRE(std::holds_alternative<queue::Retry>(st.kind()));
  CHECK(st.error()->code == "lwa_invalid_client");
  CHECK(w.registry().expose().find("blazed_spapi_invalid_client_total 1") != std::string::npos);
  CHECK(logs.find("invalid_client") != std::string::npos);
  CHECK(*w.db.exec("SELECT status FROM sellers").at(0).at(0) == "active");
}

TEST_CASE("canary PII from RECIPIENT and BUYER data lands nowhere but the encrypted raw pages", "[spapi][pg][redis]") {
  const std::string config = R"({"sellers":[
    {"sellerId":"GEN1","refreshToken":"Atzr|gen-1","orders":120,"transactions":10,"seed":5,
     "recipientCanary":{"name":"Zyxcanary Person","email":"zyxcanary@example.net","postalCode":"94110-1234"},
     "plans":{"searchOrders":{"rate":0.5,"burst":100},"listTransactions":{"rate":0.5,"burst":100}}}]})";
  // A slow refill keeps the rate limiter's buckets in Redis (they expire once full again).
  SyncWorld w(config, {{"searchOrders", 0.5, 100}, {"listTransactions", 0.5, 100}},
              {"BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT"});
  const auto seller = w.add_seller("Atzr|gen-1");
  w.set_cursor(seller, "orders", "100 days");
  w.set_cursor(seller, "transactions", "100 days");
  std::string logs;
  log::capture_to(&logs);
  Status st = w.run_to_end(seller, "all");
  log::capture_to(nullptr);
  REQUIRE(st);
  REQUIRE(w.count("SELECT count(*) FROM orders") == 120);
  // The postal code is reduced to a zone before anything is stored.
  CHECK(w.count("SELECT count(*) FROM orders WHERE shipping_zone = '941' AND ship_country = 'US'") == 120);

  const std::vector<std::string> canaries = {"zyxcanary", "Zyxcanary Person", "94110"};
  for (const auto& c : canaries) {
    INFO(c);
    CHECK(logs.find(c) == std::string::npos);
    CHECK(w.registry().expose().find(c) == std::string::npos);
  }
  // Every Redis key and value, first: the buckets expire (real time) once full again.
  auto keys = run_coro(w.io, w.redis_client->command(redis::Args{"KEYS", "*"}));
  REQUIRE(keys);
  REQUIRE(keys->size() > 0);  // the rate limiter's buckets at least
  for (const auto& k : keys->elements()) {
    std::string all = k.str();
    auto type = run_coro(w.io, w.redis_client->command(redis::Args{"TYPE", k.str()}));
    REQUIRE(type);
    std::optional<redis::Args> read;
    if (type->str() == "string") read = redis::Args{"GET", k.str()};
    if (type->str() == "hash") read = redis::Args{"HGETALL", k.str()};
    if (type->str() == "zset") read = redis::Args{"ZRANGE", k.str(), "0", "-1"};
    if (type->str() == "list") read = redis::Args{"LRANGE", k.str(), "0", "-1"};
    if (type->str() == "set") read = redis::Args{"SMEMBERS", k.str()};
    REQUIRE(read.has_value());
    auto v = run_coro(w.io, w.redis_client->command(*read));
    REQUIRE(v);
    all += v->str();
    for (const auto& e : v->elements()) all += e.str();
    for (const auto& canary : canaries) CHECK(all.find(canary) == std::string::npos);
  }
  // Every text-like column of every table.
  auto columns = w.db.exec(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
      "AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'bytea')");
  REQUIRE(columns.size() > 20);
  for (const auto& col : columns) {
    const std::string t = *col[0];
    const std::string c = *col[1];
    for (const auto& canary : canaries) {
      INFO(t << "." << c << " " << canary);
      // bytea as escaped text, so plaintext bytes would show (not as hex, whose digits can spell a
      // canary by chance); raw_payloads' day partitions (raw_payloads_pYYYYMMDD) hold the same bytes.
      const bool sealed = t.rfind("raw_payloads", 0) == 0 && c == "ciphertext";
      const std::string expr = sealed ? "encode(ciphertext, 'escape')" : "\"" + c + "\"::text";
      CHECK(w.count("SELECT count(*) FROM " + t + " WHERE " + expr + " ILIKE '%" + canary + "%'") == 0);
    }
  }
  // The raw pages do hold the canary, encrypted: that is what the 30-day purge is for.
  auto raw = w.db.exec("SELECT id, encode(ciphertext, 'hex'), key_id FROM raw_payloads WHERE data_type = 'orders' LIMIT 1");
  auto plain = crypto::open_stored(*w.ring, crypto::Aad{crypto::kPurposeRawPayload, "raw_payloads", *raw[0][0]},
                                   raw[0][2], crypto::from_hex(*raw[0][1]).value());
  REQUIRE(plain);
  CHECK(plain->find("zyxcanary@example.net") != std::string::npos);
}

TEST_CASE("a sync SIGKILLed mid-pagination resumes with no gap and no duplicate", "[spapi][pg]") {
  const std::string config = R"({"sellers":[
    {"sellerId":"GEN1","refreshToken":"Atzr|gen-1","orders":1000,"seed":9,
     "plans":{"searchOrders":{"rate":50,"burst":100}}}]})";
  SyncWorld w(config, generous());
  const auto seller = w.add_seller("Atzr|gen-1");
  w.set_cursor(seller, "orders", "100 days");
  // Every reply takes a moment, so the kill lands while a later page is in flight.
  w.admin("POST", "/faults", R"({"kind":"latency","operation":"searchOrders","ms":400})");
  TempDir workdir("blazed-sync-kill");
  {
    DaemonProcess child(SYNC_KILL_HELPER,
                        {w.db.dsn(), std::to_string(w.redis.port()), w.spapi.url(), w.spapi.ca_file().string(),
                         w.keydir.path().string(), std::to_string(seller)},
                        workdir.path());
    REQUIRE(child.wait_for_notify("STATUS=pages=3"));
    child.signal(SIGKILL);
    REQUIRE(child.wait_exit() == -SIGKILL);
  }
  // Killed mid-run: whole pages only, the run's window and resume token kept.
  const auto pages = w.count("SELECT run_pages FROM sync_state");
  CHECK(pages >= 3);
  CHECK(pages < 10);
  CHECK(w.count("SELECT count(*) FROM orders") == pages * 100);
  CHECK(w.count("SELECT count(*) FROM raw_payloads") == pages);
  CHECK(w.count("SELECT count(*) FROM sync_state WHERE resume_token IS NOT NULL AND run_after IS NOT NULL") == 1);
  // Every page the killed run stored has its audit event: they committed together.
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sync.orders'") == pages);
  CHECK(w.count("SELECT count(*) FROM raw_payloads r WHERE NOT EXISTS (SELECT 1 FROM audit_events a "
                "WHERE a.action = 'sync.orders' AND r.request_id = ANY(a.request_ids))") == 0);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'tokens.decrypt'") == 1);

  w.admin("DELETE", "/faults");
  REQUIRE(w.run_to_end(seller, "orders"));
  CHECK(w.count("SELECT count(*) FROM orders") == 1000);
  CHECK(w.count("SELECT count(DISTINCT order_id) FROM orders") == 1000);
  // Each page stored once: the killed run's pages plus the resumed run's, ten in all.
  CHECK(w.count("SELECT count(*) FROM raw_payloads") == 10);
  CHECK(w.count("SELECT last_pages FROM sync_state") == 10);
  CHECK(w.count("SELECT count(*) FROM sync_state WHERE run_after IS NULL AND resume_token IS NULL") == 1);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sync.orders'") == 10);
}
