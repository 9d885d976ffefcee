// Tests the sync control commands (daemon/server/commands_sync.cpp) against the real services:
// `sync` enqueues one seller_sync job and reports a repeat as already queued, `sellers.list`
// shows status, last sync, lag and last error.
#include "sync_fixture.hpp"

#include "control/registry.hpp"
#include "queue/inspector.hpp"
#include "jobs/sync/sync_commands.hpp"

using namespace blazed;
using namespace blazed::testing;
using namespace blazed::testing::sync_test;

namespace {

const std::string kServer = R"({"sellers":[
  {"sellerId":"GEN1","refreshToken":"Atzr|gen-1","orders":30,"seed":2,
   "plans":{"searchOrders":{"rate":50,"burst":100}}}]})";

Result<json::value> call(SyncWorld& w, control::CommandRegistry& r, const std::string& name, json::object args) {
  auto entry = r.find(name);
  REQUIRE(entry.has_value());
  control::Request req;
  req.command = name;
  req.args = std::move(args);
  return run_coro(w.io, entry->handler(req));
}

}  // namespace

TEST_CASE("sync enqueues one job per seller and data type; sellers.list reports the syncs", "[spapi][pg][redis]") {
  SyncWorld w(kServer, {{"searchOrders", 50, 100}});
  control::CommandRegistry registry;
  REQUIRE(jobs::sync::register_sync_commands(registry, *w.ctx));
  const auto seller = w.add_seller("Atzr|gen-1");
  const auto other = w.add_seller("Atzr|none");

  auto first = call(w, registry, "sync", {{"seller", seller}, {"data", "orders"}});
  REQUIRE(first);
  CHECK_FALSE(first->at("already_queued").as_bool());
  auto again = call(w, registry, "sync", {{"seller", seller}, {"data", "orders"}});
  REQUIRE(again);
  CHECK(again->at("already_queued").as_bool());
  CHECK(again->at("job_id") == first->at("job_id"));
  auto all = call(w, registry, "sync", {{"seller", seller}});
  REQUIRE(all);
  CHECK_FALSE(all->at("already_queued").as_bool());

  const auto keys = queue::QueueKeys::make("sync").value();
  queue::Inspector inspector(*w.redis_client, keys);
  const auto id = first->at("job_id").as_int64();
  CHECK(run_coro(w.io, inspector.state_of(id)).value() == queue::State::pending);
  auto type = run_coro(w.io, w.redis_client->command(redis::Args{"HGET", keys.job(id), "t"}));
  auto payload = run_coro(w.io, w.redis_client->command(redis::Args{"HGET", keys.job(id), "p"}));
  REQUIRE(type);
  REQUIRE(payload);
  CHECK(type->str() == "seller_sync");
  auto request = jobs::sync::parse_sync_payload(payload->str());
  REQUIRE(request);
  CHECK(request->seller_id == seller);
  CHECK(request->types == std::vector<jobs::sync::DataType>{jobs::sync::DataType::orders});

  auto bad = call(w, registry, "sync", {{"seller", seller}, {"data", "everything"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == "bad_args");
  auto missing = call(w, registry, "sync", {{"seller", 999}});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == "seller_not_found");

  // After a sync, and after a failed one (unknown refresh token), the list shows both.
  REQUIRE(w.run_to_end(seller, "orders"));
  REQUIRE_FALSE(w.run_once(other, "orders").is_done());
  auto list = call(w, registry, "sellers.list", {});
  REQUIRE(list);
  const auto& sellers = list->at("sellers").as_array();
  REQUIRE(sellers.size() == 2);
  const auto& synced = sellers[0].as_object();
  CHECK(synced.at("id").as_int64() == seller);
  CHECK(synced.at("status") == "active");
  const auto& orders = synced.at("sync").at("orders").as_object();
  CHECK(orders.at("last_sync").is_string());
  CHECK(orders.at("lag_seconds").as_int64() >= 150);  // the window ends 150 s before now
  CHECK(orders.at("last_error").is_null());
  CHECK(orders.at("last_rows").as_int64() == w.count("SELECT count(*) FROM orders"));
  const auto& failed = sellers[1].as_object();
  CHECK(failed.at("status") == "needs_reauth");
  CHECK(failed.at("sync").at("orders").at("last_error").as_string().starts_with("lwa_invalid_grant"));
  // A seller needing re-authorization is not synced on request either.
  auto refused = call(w, registry, "sync", {{"seller", other}});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "seller_inactive");
}
