// Tests the history backfill (seller_backfill) against real PostgreSQL, redis-server and the local
// SP-API server serving a year of generated history: it is queued after a seller's first sync,
// walks back window by window to sync.backfill.<type> (the server's request log shows contiguous
// windows), resumes a stopped run from its stored window and cursor without fetching a page
// twice, shows its progress in sellers.show, and never holds up another seller's sync.
#include "sync_fixture.hpp"

#include "command_call.hpp"
#include "control/registry.hpp"
#include "jobs/sync/backfill_run.hpp"
#include "jobs/sync/sync_commands.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

using namespace blazed;
using namespace blazed::testing;
using namespace blazed::testing::sync_test;

namespace {

const std::string kServer = R"({"sellers":[
  {"sellerId":"GEN1","refreshToken":"Atzr|gen-1","orders":300,"transactions":120,"seed":7,"historyDays":400,
   "transactionsPerPage":5,
   "plans":{"searchOrders":{"rate":50,"burst":100},"listTransactions":{"rate":50,"burst":100}}},
  {"sellerId":"GEN2","refreshToken":"Atzr|gen-2","orders":150,"seed":9,
   "plans":{"searchOrders":{"rate":50,"burst":100},"listTransactions":{"rate":50,"burst":100}}}]})";

constexpr auto kDay = std::chrono::hours(24);

std::vector<config::RateLimitPlanConfig> generous() {
  return {{"searchOrders", 50, 100}, {"listTransactions", 50, 100}};
}

// orders 120 days deep (about 90 beyond the first sync: 7 windows of 14 days), transactions 365
// (335 beyond it: 4 windows of 90 days).
void deep_history(SyncWorld& w) {
  w.rig->cfg.sync_backfill.orders = std::chrono::duration_cast<config::Duration>(120 * kDay);
  w.rig->cfg.sync_backfill.transactions = std::chrono::duration_cast<config::Duration>(365 * kDay);
}

queue::HandlerOutcome backfill_once(SyncWorld& w, std::int64_t seller) {
  return run_coro(w.io, jobs::sync::run_seller_backfill(*w.ctx, *w.rig->metrics, seller));
}

// The first-page windows (after, before) the server was asked for, in order, for one operation.
std::vector<std::pair<std::string, std::string>> windows_asked(SyncWorld& w, const std::string& op) {
  const bool orders = op == "searchOrders";
  std::vector<std::pair<std::string, std::string>> out;
  const json::value log = w.admin("GET", "/requests");
  for (const auto& r : log.as_array()) {
    if (r.at("operation") != op.c_str() || r.at("params").at("paged").as_bool() || r.at("status") != 200) continue;
    const auto& p = r.at("params").as_object();
    out.emplace_back(p.at(orders ? "lastUpdatedAfter" : "postedAfter").as_string(),
                     p.at(orders ? "lastUpdatedBefore" : "postedBefore").as_string());
  }
  return out;
}

// Each window ends where the next one (further back) starts: no gap, walking back.
void check_walks_back(const std::vector<std::pair<std::string, std::string>>& windows) {
  for (std::size_t i = 1; i < windows.size(); ++i) {
    INFO("window " << i << ": " << windows[i].first << " .. " << windows[i].second << " after "
                   << windows[i - 1].first);
    CHECK(windows[i].second == windows[i - 1].first);
  }
}

bool backfill_queued(SyncWorld& w, std::int64_t seller) {
  auto r = run_coro(w.io, w.redis_client->command(
                              redis::Args{"EXISTS", "{q:backfill}:unique:seller_backfill:" + std::to_string(seller)}));
  return r && r->as_integer() == 1;
}

}  // namespace

TEST_CASE("the backfill is queued after the first sync and walks back window by window to its depth", "[spapi][pg]") {
  SyncWorld w(kServer, generous());
  deep_history(w);
  const auto seller = w.add_seller("Atzr|gen-1");
  const std::string s = std::to_string(seller);
  // Nothing to take over from yet: the backfill waits for the first sync.
  CHECK(backfill_once(w, seller).deferral() != nullptr);
  CHECK(w.count("SELECT count(*) FROM sync_backfill") == 0);

  REQUIRE(w.run_to_end(seller, "all"));
  CHECK(backfill_queued(w, seller));
  const auto first_sync_orders = w.count("SELECT count(*) FROM orders");
  CHECK(w.count("SELECT count(*) FROM orders WHERE last_updated_time < now() - interval '31 days'") == 0);

  w.admin("DELETE", "/stats");
  REQUIRE(w.run_until_done([&] { return backfill_once(w, seller); }));
  CHECK(w.count("SELECT count(*) FROM orders") > first_sync_orders);
  // Reached its depth, and no further.
  CHECK(w.count("SELECT count(*) FROM orders WHERE last_updated_time < now() - interval '100 days'") > 0);
  CHECK(w.count("SELECT count(*) FROM orders WHERE last_updated_time < now() - interval '121 days'") == 0);
  CHECK(w.count("SELECT count(*) FROM transactions WHERE posted_date < now() - interval '300 days'") > 0);
  CHECK(w.count("SELECT count(*) FROM transactions WHERE posted_date < now() - interval '366 days'") == 0);
  CHECK(w.count("SELECT windows FROM sync_backfill WHERE data_type = 'orders' AND finished_at IS NOT NULL") == 7);
  CHECK(w.count("SELECT windows FROM sync_backfill WHERE data_type = 'transactions' AND finished_at IS NOT NULL") == 4);
  CHECK(w.count("SELECT count(*) FROM sync_backfill WHERE run_after IS NULL AND last_error IS NULL") == 2);
  // Every stored page counted, its raw page kept like a sync's, and each window audited.
  CHECK(w.count("SELECT sum(pages) FROM sync_backfill") == w.served("GEN1", "searchOrders", "200") +
                                                              w.served("GEN1", "listTransactions", "200"));
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'sync.transactions'") >= 1 + 4);
  // The server saw contiguous windows walking back, listTransactions never over 180 days.
  const auto orders = windows_asked(w, "searchOrders");
  const auto txs = windows_asked(w, "listTransactions");
  CHECK(orders.size() == 7);
  CHECK(txs.size() == 4);
  check_walks_back(orders);
  check_walks_back(txs);
  for (const auto& [after, before] : txs)
    CHECK(w.count("SELECT count(*) WHERE '" + before + "'::timestamptz - '" + after +
                  "'::timestamptz <= interval '180 days'") == 1);
  // The first backfill window overlaps the first sync's window.
  CHECK(w.count("SELECT count(*) FROM sync_backfill WHERE newest > now() - interval '30 days'") == 2);

  // Done: a later sync queues no backfill; a second run asks nothing.
  run_coro(w.io, w.redis_client->command(redis::Args{"FLUSHALL"}));
  w.admin("POST", "/clock", R"({"advanceSeconds":600})");
  REQUIRE(w.run_to_end(seller, "all"));
  CHECK_FALSE(backfill_queued(w, seller));
  w.admin("DELETE", "/stats");
  CHECK(backfill_once(w, seller).is_done());
  CHECK(windows_asked(w, "searchOrders").empty());

  // Its progress in sellers.show.
  control::CommandRegistry registry;
  REQUIRE(jobs::sync::register_sync_commands(registry, *w.ctx));
  auto shown = call_command(w.io, registry, "sellers.show", {{"seller", seller}});
  REQUIRE(shown);
  INFO(json::serialize(*shown));
  CHECK(shown->at("backfill").at("orders").at("status") == "done");
  CHECK(shown->at("backfill").at("orders").at("percent").to_number<double>() == 100.0);
  CHECK(shown->at("backfill").at("orders").at("windows") == 7);
  CHECK(shown->at("backfill").at("transactions").at("depth_days") == 365);

  SECTION("a deeper configured history reopens the finished backfill") {
    w.rig->cfg.sync_backfill.orders = std::chrono::duration_cast<config::Duration>(150 * kDay);
    REQUIRE(w.run_to_end(seller, "orders"));
    CHECK(backfill_queued(w, seller));
    REQUIRE(w.run_until_done([&] { return backfill_once(w, seller); }));
    CHECK(w.count("SELECT count(*) FROM orders WHERE last_updated_time < now() - interval '121 days'") > 0);
    CHECK(w.count("SELECT windows FROM sync_backfill WHERE data_type = 'orders' AND finished_at IS NOT NULL") == 10);
  }
}

TEST_CASE("a stopped backfill resumes from its stored window and cursor, no page fetched twice", "[spapi][pg]") {
  // The limiter allows three transaction pages, then defers: the run stops mid-window.
  SyncWorld w(kServer, {{"searchOrders", 50, 100}, {"listTransactions", 0.001, 3}});
  w.rig->cfg.sync_backfill.transactions = std::chrono::duration_cast<config::Duration>(365 * kDay);
  const auto seller = w.add_seller("Atzr|gen-1");
  w.set_cursor(seller, "transactions", "1 hour");
  w.admin("DELETE", "/stats");
  queue::HandlerOutcome first = backfill_once(w, seller);
  REQUIRE(first.deferral() != nullptr);
  CHECK(w.count("SELECT pages FROM sync_backfill") == 3);
  CHECK(w.count("SELECT count(*) FROM sync_backfill WHERE resume_token IS NOT NULL AND run_after IS NOT NULL") == 1);
  const auto window = w.db.exec("SELECT run_after, run_before, cursor FROM sync_backfill").at(0);

  // A new run (as after a restart: everything it knows is in PostgreSQL) goes on from page 4.
  w.limiter_clock.advance(std::chrono::hours(2));
  REQUIRE(w.run_until_done([&] { return backfill_once(w, seller); }));
  const auto txs = windows_asked(w, "listTransactions");
  REQUIRE(txs.size() == 4);  // the first window asked once, never again from its first page
  check_walks_back(txs);
  // The window stored at the stop (the request sends it to the second).
  CHECK(w.count("SELECT count(*) WHERE abs(extract(epoch FROM '" + txs[0].first + "'::timestamptz - '" + *window[0] +
                "'::timestamptz)) < 1") == 1);
  CHECK(w.count("SELECT sum(pages) FROM sync_backfill") == w.served("GEN1", "listTransactions", "200"));
  CHECK(w.count("SELECT count(*) FROM raw_payloads") == w.served("GEN1", "listTransactions", "200"));
  CHECK(w.count("SELECT count(DISTINCT transaction_id) FROM transactions") == w.count("SELECT count(*) FROM transactions"));
  CHECK(w.count("SELECT count(*) FROM sync_backfill WHERE finished_at IS NOT NULL") == 1);
}

TEST_CASE("a seller's backfill in flight does not hold up another seller's sync", "[spapi][pg]") {
  SyncWorld w(kServer, generous());
  deep_history(w);
  const auto slow = w.add_seller("Atzr|gen-1");
  const auto other = w.add_seller("Atzr|gen-2");
  w.set_cursor(slow, "orders", "1 hour");
  w.set_cursor(slow, "transactions", "1 hour");
  // The slow seller's first backfill request takes the server a long while.
  w.admin("POST", "/faults", R"({"kind":"latency","sellerId":"GEN1","ms":20000,"count":1,"persistent":false})");
  auto backfill = boost::asio::co_spawn(w.io, jobs::sync::run_seller_backfill(*w.ctx, *w.rig->metrics, slow),
                                        boost::asio::use_future);
  w.set_cursor(other, "orders", "100 days");
  REQUIRE(w.run_to_end(other, "orders"));
  CHECK(w.count("SELECT count(*) FROM orders WHERE seller_id = " + std::to_string(other)) == 150);
  CHECK(backfill.wait_for(0s) != std::future_status::ready);  // still on its first request
  while (backfill.wait_for(0s) != std::future_status::ready) {
    if (w.io.run_one() == 0) w.io.restart();
  }
  queue::HandlerOutcome done = backfill.get();
  CHECK(done.is_done());
}
