// Tests the webhooks on real PostgreSQL and Redis with a local receiver that checks signatures as
// the web app does: a notice is delivered signed, a failing receiver gets it again with backoff
// until it answers, then out of attempts it is dead; every attempt is audited; a completed
// deletion queues its notice, whose body carries no PII (planted canaries).
#include "control/registry.hpp"
#include "harness/catch_result.hpp"
#include "harness/https_test_server.hpp"
#include "jobs/deletion/deletion_commands.hpp"
#include "jobs/deletion/deletion_job.hpp"
#include "jobs/job_runner.hpp"
#include "jobs/webhooks/webhook_job.hpp"
#include "jobs/webhooks/webhook_signature.hpp"
#include "queue/forwarder.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

using namespace blazed;
using namespace blazed::testing;
namespace json = boost::json;
namespace webhooks = blazed::jobs::webhooks;

namespace {

constexpr const char* kSecretEnv = "BLAZED_TEST_WEBHOOK_SECRET";
constexpr const char* kSecret = "whsec-test-4f1c9a";

std::int64_t unix_now(const Clock& clock) {
  return std::chrono::floor<std::chrono::seconds>(clock.now().time_since_epoch()).count();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A JobWorld whose webhooks go to a local receiver; the receiver fails `failures` times first.
struct World {
  JobWorld w{{"k1"}, "k1"};
  std::vector<TestRequest> received;
  std::vector<bool> verified;
  int failures = 0;
  HttpsTestServer receiver{w.io, std::nullopt, [this](const TestRequest& r) {
                             received.push_back(r);
                             const auto sig = r.headers.find("x-blazed-signature");
                             verified.push_back(sig != r.headers.end() &&
                                                webhooks::verify(Secret(kSecret), sig->second, r.body,
                                                                 unix_now(w.clock), std::chrono::minutes(5)));
                             TestResponse answer;
                             answer.status = 204;
                             if (failures > 0) {
                               --failures;
                               answer.status = 500;
                             }
                             return answer;
                           }};
  queue::Forwarder forwarder{*w.redis, queue::QueueKeys::make(webhooks::kWebhookQueue).value(), w.clock,
                             std::chrono::hours(1)};

  World() {
    ::setenv(kSecretEnv, kSecret, 1);
    w.config.webhooks.url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/blazed/hook";
    w.config.webhooks.allow_plain_http = true;
    w.config.webhooks.secret = config::SecretRef{config::SecretRef::Kind::env, kSecretEnv};
  }
  ~World() { receiver.stop(); }

  std::int64_t count(const std::string& sql) { return std::stoll(*w.db.exec(sql).at(0).at(0)); }

  std::int64_t enqueue(const std::string& id) {
    webhooks::Notice n{"test.event", id, 7, json::object{{"n", 1}}};
    auto queued = run_coro(w.io, webhooks::enqueue_webhook(*w.ctx, n));
    REQUIRE(queued);
    REQUIRE(queued->has_value());
    return **queued;
  }
  // The next retry is due: the clock moves past the longest backoff and the forwarder runs.
  void next_retry() {
    w.clock.advance(std::chrono::hours(2));
    REQUIRE(run_coro(w.io, forwarder.forward_once()).has_value());
  }
};

}  // namespace

TEST_CASE("the signature: HMAC-SHA256 over t.body; a wrong secret, another body or an old t is refused", "[unit]") {
  const Secret key("k3y");
  const std::string body = R"({"event":"x","id":"x:1"})";
  const std::int64_t t = 1'764'000'000;
  const std::string header = webhooks::sign(key, t, body);
  // Known answer, computed apart: printf '%s' '1764000000.<body>' | openssl dgst -sha256 -hmac k3y
  CHECK(header == "t=1764000000,v1=2cf7021c951d15d8bfd5fba183b064c4dcf5c1ec77b4dafc03584c25bb28cb5a");
  CHECK(webhooks::verify(key, header, body, t, std::chrono::minutes(5)));
  CHECK(webhooks::verify(key, header, body, t + 299, std::chrono::minutes(5)));
  CHECK_FALSE(webhooks::verify(key, header, body, t + 301, std::chrono::minutes(5)));  // a replay
  CHECK_FALSE(webhooks::verify(Secret("other"), header, body, t, std::chrono::minutes(5)));
  CHECK_FALSE(webhooks::verify(key, header, body + " ", t, std::chrono::minutes(5)));
  CHECK_FALSE(webhooks::verify(key, "t=1764000000", body, t, std::chrono::minutes(5)));
  CHECK_FALSE(webhooks::verify(key, "v1=00,t=abc", body, t, std::chrono::minutes(5)));
  // The timestamp is signed: moving it forward breaks the signature.
  std::string moved = header;
  moved.replace(2, 10, "1764000100");
  CHECK_FALSE(webhooks::verify(key, moved, body, t + 100, std::chrono::minutes(5)));
}

TEST_CASE("a failing receiver gets the notice again with backoff until it answers; each attempt audited",
          "[pg][redis]") {
  World t;
  t.failures = 2;
  JobRunner runner(t.w, webhooks::kWebhookQueue);
  t.enqueue("test:1");
  runner.wait_reports(1);
  CHECK(runner.reports[0].outcome == queue::Outcome::retried);
  t.next_retry();
  runner.wait_reports(2);
  CHECK(runner.reports[1].outcome == queue::Outcome::retried);
  t.next_retry();
  runner.wait_reports(3);
  CHECK(runner.reports[2].outcome == queue::Outcome::completed);

  REQUIRE(t.received.size() == 3);
  CHECK(std::all_of(t.verified.begin(), t.verified.end(), [](bool v) { return v; }));
  for (const auto& r : t.received) {
    CHECK(r.method == "POST");
    CHECK(r.target == "/blazed/hook");
    CHECK(r.headers.at("x-blazed-event") == "test.event");
    CHECK(r.body == t.received[0].body);  // the same notice each time; only the signature's t moves
  }
  const auto body = json::parse(t.received[0].body).as_object();
  CHECK(body.at("event") == "test.event");
  CHECK(body.at("id") == "test:1");
  CHECK(body.at("data") == json::object{{"n", 1}});

  CHECK(t.count("SELECT count(*) FROM audit_events WHERE action = 'webhook.failed' AND outcome = 'failure' "
                "AND detail->>'error' = 'webhook_rejected' AND detail->>'http_status' = '500' "
                "AND detail->>'final' = 'false' AND seller_id = 7") == 2);
  CHECK(t.count("SELECT count(*) FROM audit_events WHERE action = 'webhook.delivered' AND outcome = 'success' "
                "AND detail->>'event_id' = 'test:1' AND detail->>'attempt' = '3'") == 1);
}

TEST_CASE("a receiver that never answers 2xx: dead after the last attempt, audited as final", "[pg][redis]") {
  World t;
  t.failures = 1000;
  JobRunner runner(t.w, webhooks::kWebhookQueue);
  t.enqueue("test:dead");
  for (int attempt = 1; attempt < webhooks::kWebhookAttempts; ++attempt) {
    runner.wait_reports(static_cast<std::size_t>(attempt));
    REQUIRE(runner.reports.back().outcome == queue::Outcome::retried);
    t.next_retry();
  }
  runner.wait_reports(webhooks::kWebhookAttempts);
  CHECK(runner.reports.back().outcome == queue::Outcome::dead);
  CHECK(t.count("SELECT count(*) FROM audit_events WHERE action = 'webhook.failed'") == webhooks::kWebhookAttempts);
  CHECK(t.count("SELECT count(*) FROM audit_events WHERE action = 'webhook.failed' AND detail->>'final' = 'true'") ==
        1);
}

TEST_CASE("without a secret nothing is sent: the delivery is dead at once and audited", "[pg][redis]") {
  World t;
  t.w.config.webhooks.secret.reset();
  JobRunner runner(t.w, webhooks::kWebhookQueue);
  t.enqueue("test:unconfigured");
  runner.wait_reports(1);
  CHECK(runner.reports[0].outcome == queue::Outcome::dead);
  CHECK(t.received.empty());
  CHECK(t.count("SELECT count(*) FROM audit_events WHERE action = 'webhook.failed' "
                "AND detail->>'error' = 'webhook_not_configured'") == 1);
  // And with no URL nothing is even queued.
  t.w.config.webhooks.url.clear();
  auto none = run_coro(t.w.io, webhooks::enqueue_webhook(*t.w.ctx, webhooks::Notice{"x", "x:1", {}, {}}));
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
}

TEST_CASE("a completed deletion tells the web app: ids, times and counts, no PII", "[pg][redis]") {
  World t;
  control::CommandRegistry registry;
  REQUIRE(jobs::deletion::register_deletion_commands(registry, *t.w.ctx));
  // A seller whose data is full of canaries: none may reach the notice.
  t.w.db.exec("INSERT INTO sellers (region, marketplaces) VALUES ('na', '{CANARYMKT1}')");
  t.w.db.exec("INSERT INTO seller_tokens (seller_id, ciphertext, key_id) VALUES (1, 'canary-token-bytes', 'k1')");
  t.w.db.exec("INSERT INTO orders (seller_id, order_id, marketplace_id, sales_channel, status, fulfilled_by, "
              "created_time, last_updated_time, ship_country, shipping_zone, synced_at) VALUES (1, "
              "'canary-order-1', 'CANARYMKT1', 'Amazon.com', 'Shipped', 'AMAZON', now(), now(), 'US', "
              "'canary-zone-jane.doe@example.com', now())");
  auto asked = t.w.call(registry, "sellers.delete", {{"seller_id", 1}});
  REQUIRE(asked);
  const auto request_id = asked->at("request_id").as_int64();

  JobRunner runner(t.w, webhooks::kWebhookQueue);
  auto done = run_coro(t.w.io, jobs::deletion::run_deletion(*t.w.ctx, request_id, asked->at("job_id").as_int64()));
  REQUIRE(done);
  runner.wait_reports(1);
  CHECK(runner.reports[0].outcome == queue::Outcome::completed);
  REQUIRE(t.received.size() == 1);
  CHECK(t.verified[0]);
  const std::string& raw = t.received[0].body;
  CHECK(lower(raw).find("canary") == std::string::npos);
  CHECK(raw.find('@') == std::string::npos);
  const auto body = json::parse(raw).as_object();
  CHECK(body.at("event") == "deletion.completed");
  CHECK(body.at("id").as_string() == "deletion:" + std::to_string(request_id));
  const auto& data = body.at("data").as_object();
  CHECK(data.at("request_id") == request_id);
  CHECK(data.at("seller_id") == 1);
  CHECK(data.at("completed_at").is_string());
  CHECK(data.at("rows_deleted").at("orders") == 1);
  CHECK(data.at("rows_deleted").at("seller_tokens") == 1);
  CHECK(t.count("SELECT count(*) FROM audit_events WHERE action = 'webhook.delivered' AND seller_id = 1 "
                "AND detail->>'event' = 'deletion.completed'") == 1);
  // Nothing of the canaries in the audit trail either.
  CHECK(t.count("SELECT count(*) FROM audit_events WHERE lower(detail::text) LIKE '%canary%'") == 0);
}
