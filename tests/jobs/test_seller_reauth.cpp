// Tests a seller's identity and re-authorization against real PostgreSQL, redis-server and the local
// SP-API server: connecting a known partner id again replaces its token (one seller), a needs_reauth
// seller reauthorized resumes from its cursors (the server's request log shows the windows asked
// for), bad input is refused clearly, and a disconnect stops a running sync between pages.
#include "sync_fixture.hpp"

#include "command_call.hpp"
#include "control/registry.hpp"
#include "jobs/sellers/sellers_commands.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

using namespace blazed;
using namespace blazed::testing;
using namespace blazed::testing::sync_test;

namespace {

const std::string kServer = R"({"sellers":[
  {"sellerId":"GEN1","refreshToken":"Atzr|gen-1","orders":250,"transactions":20,"seed":7,
   "plans":{"searchOrders":{"rate":50,"burst":100},"listTransactions":{"rate":50,"burst":100}}}]})";

std::vector<config::RateLimitPlanConfig> generous() {
  return {{"searchOrders", 50, 100}, {"listTransactions", 50, 100}};
}

// The seller commands on the world's JobContext, called as blazectl would (uid 1234).
struct SellerCommands {
  SyncWorld& w;
  control::CommandRegistry registry;
  explicit SellerCommands(SyncWorld& world) : w(world) {
    REQUIRE(jobs::sellers::register_seller_token_commands(registry, *w.ctx));
  }
  Result<json::value> call(const std::string& name, json::object args) {
    return call_command(w.io, registry, name, std::move(args));
  }
  Result<json::value> connect(const std::string& token, const std::string& partner) {
    json::object args{{"region", "na"}, {"marketplaces", json::array{"ATVPDKIKX0DER"}}, {"refresh_token", token}};
    if (!partner.empty()) args["partner_id"] = partner;
    return call("sellers.connect", std::move(args));
  }
};

// The searchOrders requests in the server's log: their lastUpdatedAfter values.
std::vector<std::string> orders_windows_asked(SyncWorld& w) {
  std::vector<std::string> out;
  const json::value log = w.admin("GET", "/requests");
  for (const auto& r : log.as_array())
    if (r.at("operation") == "searchOrders" && !r.at("params").at("paged").as_bool())
      out.emplace_back(r.at("params").at("lastUpdatedAfter").as_string());
  return out;
}

}  // namespace

TEST_CASE("connecting a known partner id again replaces its token: one seller, a new token generation", "[spapi][pg]") {
  SyncWorld w(kServer, generous());
  SellerCommands c(w);
  auto first = c.connect("Atzr|stale-token", "GEN1");
  REQUIRE(first);
  CHECK(first->at("replaced") == false);
  const std::int64_t id = first->at("seller_id").as_int64();
  const std::string s = std::to_string(id);
  w.set_cursor(id, "orders", "100 days");
  // The stale token does not work: the sync marks the seller needs_reauth.
  CHECK(std::holds_alternative<queue::Permanent>(w.run_once(id, "orders").kind()));
  CHECK(*w.db.exec("SELECT status FROM sellers WHERE id = " + s).at(0).at(0) == "needs_reauth");

  auto again = c.connect("Atzr|gen-1", "GEN1");
  REQUIRE(again);
  CHECK(again->at("seller_id") == id);
  CHECK(again->at("replaced") == true);
  CHECK(w.count("SELECT count(*) FROM sellers") == 1);
  CHECK(w.count("SELECT count(*) FROM seller_tokens") == 1);
  CHECK(*w.db.exec("SELECT status FROM sellers").at(0).at(0) == "active");
  CHECK(w.count("SELECT token_generation FROM sellers") == 2);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sellers.connect' AND (detail->>'replaced')::bool") == 1);
  // Neither the partner id nor the token is in the audit trail.
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE detail::text LIKE '%GEN1%' OR detail::text LIKE '%Atzr%'") == 0);
  // The replaced token is the one used now.
  REQUIRE(w.run_to_end(id, "orders"));
  CHECK(w.count("SELECT count(*) FROM orders") == 250);

  SECTION("another partner id is another seller; none at all is always a new one") {
    REQUIRE(c.connect("Atzr|other", "OTHER2"));
    REQUIRE(c.connect("Atzr|anon", ""));
    REQUIRE(c.connect("Atzr|anon", ""));
    CHECK(w.count("SELECT count(*) FROM sellers") == 4);
  }
  SECTION("a seller being deleted is not reconnected through its partner id") {
    w.db.exec("UPDATE sellers SET status = 'deleting'");
    auto refused = c.connect("Atzr|gen-1", "GEN1");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == "seller_deleting");
    CHECK(w.count("SELECT count(*) FROM sellers") == 1);
    CHECK(*w.db.exec("SELECT status FROM sellers").at(0).at(0) == "deleting");
  }
  SECTION("a malformed partner id is refused") {
    auto refused = c.connect("Atzr|gen-1", "GEN 1; DROP");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == "bad_args");
    CHECK(refused.error().message.find("partner_id") != std::string::npos);
  }
}

TEST_CASE("a needs_reauth seller reauthorized resumes from its cursors without re-fetching history", "[spapi][pg]") {
  SyncWorld w(kServer, generous());
  SellerCommands c(w);
  auto connected = c.connect("Atzr|gen-1", "GEN1");
  REQUIRE(connected);
  const std::int64_t id = connected->at("seller_id").as_int64();
  w.set_cursor(id, "orders", "100 days");
  REQUIRE(w.run_to_end(id, "orders"));
  REQUIRE(w.count("SELECT count(*) FROM orders") == 250);
  const std::string cursor = *w.db.exec("SELECT cursor FROM sync_state WHERE data_type = 'orders'").at(0).at(0);

  // Amazon revokes the token: the next sync marks the seller needs_reauth.
  w.admin("POST", "/sellers/GEN1/revoke", R"({"expireAccessTokens":true})");
  CHECK(std::holds_alternative<queue::Permanent>(w.run_once(id, "orders").kind()));
  CHECK(*w.db.exec("SELECT status FROM sellers").at(0).at(0) == "needs_reauth");

  SECTION("reauthorized with a new token, the sync asks only for the window after its cursor") {
    w.admin("POST", "/sellers/GEN1/refresh-token", R"({"refreshToken":"Atzr|gen-1-new"})");
    auto r = c.call("sellers.reauthorize", {{"seller_id", id}, {"refresh_token", "Atzr|gen-1-new"}});
    REQUIRE(r);
    CHECK(r->at("status") == "active");
    CHECK(*w.db.exec("SELECT status FROM sellers").at(0).at(0) == "active");
    CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sellers.reauthorize'") == 1);
    w.admin("POST", "/clock", R"({"advanceSeconds":600})");
    w.admin("DELETE", "/stats");
    REQUIRE(w.run_to_end(id, "orders"));
    const auto asked = orders_windows_asked(w);
    REQUIRE(asked.size() == 1);
    // From the stored cursor minus its 10-minute overlap (sent to the second), not 30 days (or 100) back.
    INFO(asked[0] << " asked, cursor " << cursor);
    CHECK(w.count("SELECT count(*) FROM sync_state WHERE abs(extract(epoch FROM '" + asked[0] + "'::timestamptz - ('" +
                  cursor + "'::timestamptz - interval '10 minutes'))) < 1") == 1);
    CHECK(w.served("GEN1", "searchOrders", "200") == 1);
    CHECK(w.served("GEN1", "lwa", "200") == 1);  // the new token exchanged once
    CHECK(w.count("SELECT count(*) FROM orders") == 250);
    CHECK(*w.db.exec("SELECT status FROM sellers").at(0).at(0) == "active");
  }
  SECTION("an active seller, an unknown seller or a bad token are refused clearly, nothing changed") {
    w.db.exec("UPDATE sellers SET status = 'active'");
    auto active = c.call("sellers.reauthorize", {{"seller_id", id}, {"refresh_token", "Atzr|x"}});
    REQUIRE_FALSE(active);
    CHECK(active.error().code == "not_needs_reauth");
    CHECK(active.error().message.find("is active") != std::string::npos);
    auto unknown = c.call("sellers.reauthorize", {{"seller_id", 999999}, {"refresh_token", "Atzr|x"}});
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == "seller_not_found");
    w.db.exec("UPDATE sellers SET status = 'needs_reauth'");
    auto bad = c.call("sellers.reauthorize", {{"seller_id", id}, {"refresh_token", "has space"}});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == "bad_args");
    CHECK(bad.error().message.find("has space") == std::string::npos);
    CHECK(w.count("SELECT token_generation FROM sellers") == 1);
    CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sellers.reauthorize'") == 0);
  }
}

TEST_CASE("a disconnect stops the seller's running sync between pages, cleanly", "[spapi][pg]") {
  const std::string server = R"({"sellers":[
    {"sellerId":"GEN1","refreshToken":"Atzr|gen-1","orders":1000,"seed":7,
     "plans":{"searchOrders":{"rate":50,"burst":100}}}]})";
  SyncWorld w(server, generous());
  SellerCommands c(w);
  auto connected = c.connect("Atzr|gen-1", "GEN1");
  REQUIRE(connected);
  const std::int64_t id = connected->at("seller_id").as_int64();
  w.set_cursor(id, "orders", "100 days");

  auto request = jobs::sync::parse_sync_payload(jobs::sync::sync_payload(id, "orders")).value();
  auto sync = boost::asio::co_spawn(w.io, jobs::sync::run_seller_sync(*w.ctx, *w.rig->metrics, request),
                                    boost::asio::use_future);
  auto& pages = w.registry().counter("blazed_sync_pages_total", "", {"data_type"}).with({"orders"});
  // The loop handles one event at a time: the disconnect starts right after the first page commits.
  while (pages.value() < 1 && sync.wait_for(0s) != std::future_status::ready) {
    if (w.io.run_one() == 0) w.io.restart();
  }
  REQUIRE(pages.value() >= 1);
  control::Request req;
  req.id = 2;
  req.command = "sellers.disconnect";
  req.args = {{"seller_id", id}};
  req.peer.uid = 1234;
  auto disconnect = boost::asio::co_spawn(w.io, c.registry.find("sellers.disconnect")->handler(req),
                                          boost::asio::use_future);
  while (sync.wait_for(0s) != std::future_status::ready || disconnect.wait_for(0s) != std::future_status::ready) {
    if (w.io.run_one() == 0) w.io.restart();
  }
  REQUIRE(disconnect.get());
  queue::HandlerOutcome outcome = sync.get();
  REQUIRE(std::holds_alternative<queue::Permanent>(outcome.kind()));
  CHECK(outcome.error()->message.find("disconnected") != std::string::npos);
  // Stopped within two pages of the disconnect (one may be in flight when it lands).
  const auto stored = w.count("SELECT count(*) FROM raw_payloads");
  CHECK(stored <= 4);
  CHECK(w.count("SELECT count(*) FROM orders") == stored * 100);
  CHECK(w.served("GEN1", "searchOrders", "200") <= stored + 1);
  CHECK(w.count("SELECT count(*) FROM seller_tokens") == 0);
  // The run is audited as stopped (partial: its pages kept), and no error is recorded.
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sync.orders' AND outcome = 'partial' "
                "AND detail->>'outcome' = 'stopped'") == 1);
  CHECK(w.count("SELECT count(*) FROM sync_state WHERE last_error IS NOT NULL") == 0);
  CHECK(w.registry().expose().find(R"(blazed_sync_runs_total{data_type="orders",outcome="stopped"} 1)") !=
        std::string::npos);
}
