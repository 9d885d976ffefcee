// Tests the incident plan on real PostgreSQL and Redis: a critical incident over one seller
// deletes that seller's token only and pauses its syncs; over all sellers every token, every
// active seller, and the emergency key rotation queued; a medium one waits for `contain`; bad
// input (an unknown seller, closing without a review, a closed incident) is refused with nothing
// changed; the 24 h / 72 h deadlines and the metrics on a manual clock; users notified by webhook.
#include "control/registry.hpp"
#include "harness/catch_result.hpp"
#include "jobs/incidents/incident_commands.hpp"
#include "jobs/job_world.hpp"
#include "jobs/keys/key_rotation_job.hpp"
#include "jobs/sellers/sellers_store.hpp"
#include "jobs/webhooks/webhook_job.hpp"
#include "queue/inspector.hpp"
#include "queue/keys.hpp"

#include <catch2/catch.hpp>

using namespace blazed;
using namespace blazed::testing;
namespace json = boost::json;

namespace {

struct World {
  JobWorld w{{"k1"}, "k1"};
  control::CommandRegistry registry;

  // Sellers 1 and 2 active, 3 being deleted; each with a token.
  World() {
    REQUIRE(jobs::incidents::register_incident_commands(registry, *w.ctx));
    for (const char* status : {"active", "active", "deleting"}) {
      auto id = *w.db.exec(std::string("INSERT INTO sellers (region, status) VALUES ('na', '") + status +
                           "') RETURNING id").at(0).at(0);
      w.db.exec("INSERT INTO seller_tokens (seller_id, ciphertext, key_id) VALUES (" + id + ", '\\x00', 'k1')");
    }
  }

  Result<json::value> call(const std::string& name, json::object args = {}) {
    return w.call(registry, name, std::move(args));
  }
  std::int64_t count(const std::string& sql) { return std::stoll(*w.db.exec(sql).at(0).at(0)); }
  std::string status(int seller) {
    return *w.db.exec("SELECT status FROM sellers WHERE id = " + std::to_string(seller)).at(0).at(0);
  }
  bool has_token(int seller) {
    return count("SELECT count(*) FROM seller_tokens WHERE seller_id = " + std::to_string(seller)) == 1;
  }
  // The sellers the sync cadence would sync now.
  std::vector<std::int64_t> cadence() {
    auto active = run_coro(w.io, jobs::sellers::active_sellers(*w.pool));
    REQUIRE(active);
    std::vector<std::int64_t> ids;
    for (const auto& s : *active) ids.push_back(s.seller_id);
    return ids;
  }
  std::vector<std::string> queued_types(const std::string& queue) {
    queue::Inspector inspector(*w.redis, queue::QueueKeys::make(queue).value());
    auto page = run_coro(w.io, inspector.list(queue::State::pending, 0, 100));
    REQUIRE(page);
    std::vector<std::string> out;
    for (const auto& j : page->jobs) out.push_back(j.type);
    return out;
  }
  const json::object& step(const json::value& incident, const std::string& name) {
    for (const auto& s : incident.at("steps").as_array())
      if (s.at("step").as_string() == name) return s.as_object();
    FAIL("no step " << name);
    throw std::logic_error("unreachable");
  }
  std::string expose() { return w.metrics.expose(); }
};

json::object opening(const std::string& severity, const std::string& scope) {
  return json::object{{"severity", severity}, {"scope", scope}, {"summary", "token store read by a stale backup"}};
}

}  // namespace

TEST_CASE("a critical incident over one seller: its token only is deleted, its syncs paused, no rotation",
          "[pg][redis]") {
  World t;
  auto opened = t.call("incident.open", opening("critical", "seller:1"));
  REQUIRE(opened);
  CHECK(opened->at("state") == "open");
  CHECK(opened->at("scope") == "seller:1");
  CHECK(opened->at("containment").at("tokens_deleted") == 1);
  CHECK(opened->at("containment").at("sellers_paused") == 1);
  CHECK_FALSE(opened->at("containment").as_object().contains("rotation_job_id"));
  CHECK(t.step(*opened, "detect").at("at").is_string());
  CHECK(t.step(*opened, "contain").at("at").is_string());
  CHECK(t.step(*opened, "notify_amazon").at("at").is_null());
  CHECK(t.step(*opened, "review").at("at").is_null());

  CHECK_FALSE(t.has_token(1));
  CHECK(t.has_token(2));
  CHECK(t.has_token(3));
  CHECK(t.status(1) == "needs_reauth");
  CHECK(t.status(2) == "active");
  CHECK(t.cadence() == std::vector<std::int64_t>{2});
  CHECK(t.queued_types(jobs::kKeyRotationQueue).empty());
  CHECK(t.count("SELECT count(*) FROM audit_events WHERE action = 'incident.contain' AND seller_id = 1 "
                "AND data_type = 'tokens' AND rows = 1 AND detail->>'severity' = 'critical'") == 1);
}

TEST_CASE("a high incident over all sellers: every token deleted, every active seller paused, rotation queued",
          "[pg][redis]") {
  World t;
  auto opened = t.call("incident.open", opening("high", "all"));
  REQUIRE(opened);
  CHECK(opened->at("scope") == "all");
  CHECK(opened->at("containment").at("tokens_deleted") == 3);
  CHECK(opened->at("containment").at("sellers_paused") == 2);  // the seller being deleted stays so
  const auto rotation = opened->at("containment").at("rotation_job_id");
  REQUIRE(rotation.is_int64());
  CHECK(t.step(*opened, "contain").at("rotation_job_id") == rotation);

  CHECK(t.count("SELECT count(*) FROM seller_tokens") == 0);
  CHECK(t.status(1) == "needs_reauth");
  CHECK(t.status(2) == "needs_reauth");
  CHECK(t.status(3) == "deleting");
  CHECK(t.cadence().empty());
  CHECK(t.queued_types(jobs::kKeyRotationQueue) == std::vector<std::string>{jobs::kKeyRotationJob});
  CHECK(t.count("SELECT count(*) FROM audit_events WHERE action = 'incident.contain' AND seller_id IS NULL "
                "AND rows = 3 AND detail->>'scope' = 'all'") == 1);
}

TEST_CASE("a medium incident is recorded without containment until an operator contains it", "[pg][redis]") {
  World t;
  auto opened = t.call("incident.open", opening("medium", "seller:2"));
  REQUIRE(opened);
  CHECK_FALSE(opened->as_object().contains("containment"));
  CHECK(t.step(*opened, "contain").at("at").is_null());
  CHECK(t.has_token(2));
  CHECK(t.status(2) == "active");

  auto contained = t.call("incident.contain", {{"id", opened->at("id")}});
  REQUIRE(contained);
  CHECK(contained->at("containment").at("tokens_deleted") == 1);
  CHECK(t.step(*contained, "contain").at("at").is_string());
  CHECK_FALSE(t.has_token(2));
  CHECK(t.status(2) == "needs_reauth");
  // Again: nothing is left in scope, nothing fails.
  auto again = t.call("incident.contain", {{"id", opened->at("id")}});
  REQUIRE(again);
  CHECK(again->at("containment").at("tokens_deleted") == 0);
  CHECK(t.step(*again, "contain").at("tokens_deleted") == 1);
}

TEST_CASE("bad input is refused with nothing changed", "[pg][redis]") {
  World t;
  auto unknown = t.call("incident.open", opening("critical", "seller:999"));
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == "seller_not_found");
  CHECK(t.count("SELECT count(*) FROM incidents") == 0);
  CHECK(t.count("SELECT count(*) FROM seller_tokens") == 3);

  for (const auto& [severity, scope] : std::vector<std::pair<std::string, std::string>>{
           {"urgent", "all"}, {"high", "seller:x"}, {"high", "seller:"}, {"high", "sellers"}, {"high", "seller:-1"}}) {
    CAPTURE(severity, scope);
    auto bad = t.call("incident.open", opening(severity, scope));
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().code == "bad_args");
  }
  auto no_summary = t.call("incident.open", {{"severity", "low"}, {"scope", "all"}, {"summary", ""}});
  REQUIRE_FALSE(no_summary.has_value());
  CHECK(no_summary.error().code == "bad_args");
  CHECK(t.count("SELECT count(*) FROM incidents") == 0);

  auto opened = t.call("incident.open", opening("low", "seller:1"));
  REQUIRE(opened);
  const auto id = opened->at("id");
  for (const json::object& args : {json::object{{"id", id}}, json::object{{"id", id}, {"review", ""}}}) {
    auto refused = t.call("incident.close", args);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == "incident_review_required");
  }
  auto still = t.call("incident.show", {{"id", id}});
  REQUIRE(still);
  CHECK(still->at("state") == "open");

  auto closed = t.call("incident.close", {{"id", id}, {"review", "false alarm: the backup was ours"}});
  REQUIRE(closed);
  CHECK(closed->at("state") == "closed");
  CHECK(t.step(*closed, "review").at("review") == "false alarm: the backup was ours");
  for (const char* command : {"incident.close", "incident.confirm", "incident.ack_amazon", "incident.contain"}) {
    CAPTURE(command);
    auto refused = t.call(command, {{"id", id}, {"review", "again"}});
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == "incident_closed");
  }
  auto missing = t.call("incident.show", {{"id", 999}});
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == "incident_not_found");
}

TEST_CASE("deadlines: Amazon 24 h and users 72 h from confirmation, near and past in the metrics", "[pg][redis]") {
  World t;
  auto opened = t.call("incident.open", opening("critical", "seller:1"));
  REQUIRE(opened);
  const auto id = opened->at("id");
  CHECK_THAT(t.expose(), Catch::Contains("blazed_incidents_open{severity=\"critical\"} 1\n"));
  CHECK_THAT(t.expose(), Catch::Contains("blazed_incidents_open{severity=\"low\"} 0\n"));
  CHECK(opened->at("amazon_notice") == "unconfirmed");

  t.w.clock.advance(std::chrono::hours(1));
  auto confirmed = t.call("incident.confirm", {{"id", id}});
  REQUIRE(confirmed);
  CHECK(confirmed->at("amazon_notice") == "pending");
  CHECK(confirmed->at("users_notice") == "pending");
  const auto amazon_due = t.step(*confirmed, "notify_amazon").at("deadline").at("due");
  // Confirming again keeps the first time.
  t.w.clock.advance(std::chrono::hours(19));  // 19 h after confirmation: Amazon due in 5 h
  auto again = t.call("incident.confirm", {{"id", id}});
  REQUIRE(again);
  CHECK(t.step(*again, "notify_amazon").at("deadline").at("due") == amazon_due);
  CHECK(again->at("amazon_notice") == "near");
  CHECK_THAT(t.expose(), Catch::Contains("blazed_incident_notices_due{notice=\"amazon\",state=\"near\"} 1\n"));

  t.w.clock.advance(std::chrono::hours(6));  // 25 h: past
  REQUIRE(run_coro(t.w.io, jobs::incidents::refresh_incident_metrics(*t.w.ctx)).has_value());
  CHECK_THAT(t.expose(), Catch::Contains("blazed_incident_notices_due{notice=\"amazon\",state=\"past\"} 1\n"));
  CHECK_THAT(t.expose(), Catch::Contains("blazed_incident_notices_due{notice=\"amazon\",state=\"near\"} 0\n"));
  auto acked = t.call("incident.ack_amazon", {{"id", id}});
  REQUIRE(acked);
  CHECK(acked->at("amazon_notice") == "late");
  CHECK(t.step(*acked, "notify_amazon").at("at").is_string());
  CHECK_THAT(t.expose(), Catch::Contains("blazed_incident_notices_due{notice=\"amazon\",state=\"past\"} 0\n"));

  t.w.clock.advance(std::chrono::hours(42));  // 67 h: users due in 5 h
  REQUIRE(run_coro(t.w.io, jobs::incidents::refresh_incident_metrics(*t.w.ctx)).has_value());
  CHECK_THAT(t.expose(), Catch::Contains("blazed_incident_notices_due{notice=\"users\",state=\"near\"} 1\n"));

  // Without webhooks the web app cannot be told: refused, nothing recorded.
  auto unconfigured = t.call("incident.notify_users", {{"id", id}});
  REQUIRE_FALSE(unconfigured.has_value());
  CHECK(unconfigured.error().code == "webhook_not_configured");
  CHECK(t.count("SELECT count(*) FROM incidents WHERE users_notified_at IS NOT NULL") == 0);

  t.w.config.webhooks.url = "https://app.example/blazed/hook";
  auto notified = t.call("incident.notify_users", {{"id", id}});
  REQUIRE(notified);
  CHECK(notified->at("webhook_job_id").is_int64());
  CHECK(notified->at("users_notice") == "met");
  CHECK(t.queued_types(jobs::webhooks::kWebhookQueue) == std::vector<std::string>{jobs::webhooks::kWebhookJob});
  CHECK_THAT(t.expose(), Catch::Contains("blazed_incident_notices_due{notice=\"users\",state=\"near\"} 0\n"));

  auto closed = t.call("incident.close", {{"id", id}, {"review", "token store access revoked; backups re-keyed"}});
  REQUIRE(closed);
  CHECK_THAT(t.expose(), Catch::Contains("blazed_incidents_open{severity=\"critical\"} 0\n"));
  auto list = t.call("incident.list");
  REQUIRE(list);
  CHECK(list->at("open") == 0);
  CHECK(list->at("incidents").as_array().size() == 1);
}

TEST_CASE("the users' notice carries the incident's ids and times, never its summary", "[pg][redis]") {
  World t;
  t.w.config.webhooks.url = "https://app.example/blazed/hook";
  auto opened = t.call("incident.open", {{"severity", "high"}, {"scope", "seller:2"},
                                         {"summary", "canary: jane.doe@example.com reported it"}});
  REQUIRE(opened);
  REQUIRE(t.call("incident.confirm", {{"id", opened->at("id")}}).has_value());
  REQUIRE(t.call("incident.notify_users", {{"id", opened->at("id")}}).has_value());
  queue::Inspector inspector(*t.w.redis, queue::QueueKeys::make(jobs::webhooks::kWebhookQueue).value());
  auto page = run_coro(t.w.io, inspector.list(queue::State::pending, 0, 10));
  REQUIRE(page);
  REQUIRE(page->jobs.size() == 1);
  const std::string& payload = page->jobs[0].payload;
  CHECK(payload.find("canary") == std::string::npos);
  CHECK(payload.find('@') == std::string::npos);
  CHECK(payload.find("\"incident_id\":" + std::to_string(opened->at("id").as_int64())) != std::string::npos);
  CHECK(payload.find("\"seller_id\":2") != std::string::npos);
  CHECK(payload.find("\"tokens_revoked\":true") != std::string::npos);
}
