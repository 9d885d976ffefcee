// Tests the seller metrics and `sellers.list` on a real PostgreSQL: the exposition keeps one size
// whether there are 10 sellers or 10,000 and carries no seller label; the counts per status, the
// lag distribution, the never-synced and the oldest lag are right for a small known set; and
// `sellers.list` sorts by lag and cuts at its limit in the database.
#include "control/registry.hpp"
#include "harness/catch_result.hpp"
#include "jobs/job_world.hpp"
#include "jobs/sellers/seller_metrics.hpp"
#include "jobs/sync/sync_commands.hpp"
#include "jobs/sync/sync_metrics.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

using namespace blazed;
using namespace blazed::testing;
namespace json = boost::json;

namespace {

// The world's clock starts at this Unix time (ManualClock's default).
constexpr long kNow = 1'700'000'000;

// `seconds` before the clock's start, as SQL.
std::string ago(long seconds) { return "to_timestamp(" + std::to_string(kNow - seconds) + ")"; }

void add_seller(JobWorld& w, int id, const std::string& status) {
  w.db.exec("INSERT INTO sellers (id, region, status) OVERRIDING SYSTEM VALUE VALUES (" + std::to_string(id) +
            ", 'na', '" + status + "')");
}

void add_cursor(JobWorld& w, int seller, const std::string& type, long lag) {
  w.db.exec("INSERT INTO sync_state (seller_id, data_type, cursor) VALUES (" + std::to_string(seller) + ", '" +
            type + "', " + ago(lag) + ")");
}

// `count` sellers from id `first`, active, each with a cursor of both data types whose lag is
// spread from a minute to beyond a week (one INSERT ... SELECT generate_series per table).
void add_many(JobWorld& w, int first, int count) {
  const std::string range = "generate_series(" + std::to_string(first) + ", " + std::to_string(first + count - 1) + ")";
  w.db.exec("INSERT INTO sellers (id, region) OVERRIDING SYSTEM VALUE SELECT i, 'na' FROM " + range + " AS i");
  w.db.exec("INSERT INTO sync_state (seller_id, data_type, cursor) "
            "SELECT i, t, to_timestamp(" + std::to_string(kNow) + " - 60 - (i * 7919) % 700000) FROM " + range +
            " AS i, unnest(ARRAY['orders', 'transactions']) AS t");
}

std::string exposition(JobWorld& w, jobs::sellers::SellerMetrics& m) {
  REQUIRE(run_coro(w.io, m.refresh(*w.ctx)));
  return w.metrics.expose();
}

bool has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

Result<json::value> call(JobWorld& w, control::CommandRegistry& r, json::object args) {
  auto entry = r.find("sellers.list");
  REQUIRE(entry.has_value());
  control::Request req;
  req.command = "sellers.list";
  req.args = std::move(args);
  return run_coro(w.io, entry->handler(req));
}

std::vector<std::int64_t> ids(const json::value& reply) {
  std::vector<std::int64_t> out;
  for (const auto& s : reply.at("sellers").as_array()) out.push_back(s.at("id").as_int64());
  return out;
}

// Six sellers: 1 and 2 active with cursors, 3 active never synced, 4 disconnected and far behind,
// 5 needs_reauth, 6 deleting.
void add_known_set(JobWorld& w) {
  add_seller(w, 1, "active");
  add_seller(w, 2, "active");
  add_seller(w, 3, "active");
  add_seller(w, 4, "disconnected");
  add_seller(w, 5, "needs_reauth");
  add_seller(w, 6, "deleting");
  add_cursor(w, 1, "orders", 120);
  add_cursor(w, 1, "transactions", 4000);
  add_cursor(w, 2, "orders", 60);
  add_cursor(w, 4, "orders", 10 * 86400);
}

}  // namespace

TEST_CASE("the metrics exposition keeps one size with 10 or 10,000 sellers and names none", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  jobs::sync::SyncMetrics sync_metrics(w.metrics);
  jobs::sellers::SellerMetrics metrics(w.metrics);
  const std::string empty = w.metrics.expose();

  add_many(w, 1, 10);
  const std::string ten = exposition(w, metrics);
  CHECK(has(ten, R"(blazed_sellers{status="active"} 10)"));

  add_many(w, 11, 9'990);
  const std::string many = exposition(w, metrics);
  CHECK(has(many, R"(blazed_sellers{status="active"} 10000)"));
  CHECK(has(many, R"(blazed_sync_lag_sellers{data_type="orders",le="+Inf"} 10000)"));

  // Only the digits of the counts differ: about 30 series, at most 4 more digits each.
  const auto diff = std::labs(static_cast<long>(many.size()) - static_cast<long>(ten.size()));
  CHECK(diff <= 128);
  CHECK(empty.size() <= ten.size());
  CHECK(many.size() < 8 * 1024);
  CHECK(many.find("seller=") == std::string::npos);
  CHECK(many.find("seller_id=") == std::string::npos);
}

TEST_CASE("the seller metrics count statuses and spread the active sellers' lag into buckets", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  jobs::sellers::SellerMetrics metrics(w.metrics);
  add_known_set(w);
  const std::string text = exposition(w, metrics);

  CHECK(has(text, R"(blazed_sellers{status="active"} 3)"));
  CHECK(has(text, R"(blazed_sellers{status="disconnected"} 1)"));
  CHECK(has(text, R"(blazed_sellers{status="needs_reauth"} 1)"));
  CHECK(has(text, R"(blazed_sellers{status="deleting"} 1)"));
  // Orders: 60 s (on the bound, so counted in it) and 120 s; the disconnected seller not at all.
  CHECK(has(text, R"(blazed_sync_lag_sellers{data_type="orders",le="60"} 1)"));
  CHECK(has(text, R"(blazed_sync_lag_sellers{data_type="orders",le="300"} 2)"));
  CHECK(has(text, R"(blazed_sync_lag_sellers{data_type="orders",le="604800"} 2)"));
  CHECK(has(text, R"(blazed_sync_lag_sellers{data_type="orders",le="+Inf"} 2)"));
  CHECK(has(text, R"(blazed_sync_oldest_lag_seconds{data_type="orders"} 120)"));
  CHECK(has(text, R"(blazed_sync_never_synced_sellers{data_type="orders"} 1)"));
  // Transactions: one seller at 4000 s, two active sellers never synced.
  CHECK(has(text, R"(blazed_sync_lag_sellers{data_type="transactions",le="3600"} 0)"));
  CHECK(has(text, R"(blazed_sync_lag_sellers{data_type="transactions",le="7200"} 1)"));
  CHECK(has(text, R"(blazed_sync_lag_sellers{data_type="transactions",le="+Inf"} 1)"));
  CHECK(has(text, R"(blazed_sync_oldest_lag_seconds{data_type="transactions"} 4000)"));
  CHECK(has(text, R"(blazed_sync_never_synced_sellers{data_type="transactions"} 2)"));

  SECTION("time passing moves the sellers into later buckets") {
    w.clock.advance(std::chrono::hours(1));
    const std::string later = exposition(w, metrics);
    CHECK(has(later, R"(blazed_sync_lag_sellers{data_type="orders",le="3600"} 0)"));
    CHECK(has(later, R"(blazed_sync_lag_sellers{data_type="orders",le="7200"} 2)"));
    CHECK(has(later, R"(blazed_sync_oldest_lag_seconds{data_type="orders"} 3720)"));
  }
  SECTION("a seller gone is counted nowhere after the next refresh") {
    w.db.exec("DELETE FROM sellers WHERE id = 1");
    const std::string after = exposition(w, metrics);
    CHECK(has(after, R"(blazed_sellers{status="active"} 2)"));
    CHECK(has(after, R"(blazed_sync_lag_sellers{data_type="transactions",le="+Inf"} 0)"));
    CHECK(has(after, R"(blazed_sync_oldest_lag_seconds{data_type="transactions"} 0)"));
  }
}

TEST_CASE("sellers.list sorts by lag and stops at its limit", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  control::CommandRegistry registry;
  REQUIRE(jobs::sync::register_sync_commands(registry, *w.ctx));
  add_known_set(w);

  auto all = call(w, registry, {});
  REQUIRE(all);
  CHECK(ids(*all) == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});
  // By lag: sellers with no cursor first (by id), then the oldest cursor of any data type first.
  auto by_lag = call(w, registry, {{"sort", "lag"}});
  REQUIRE(by_lag);
  CHECK(ids(*by_lag) == std::vector<std::int64_t>{3, 5, 6, 4, 1, 2});
  auto top = call(w, registry, {{"sort", "lag"}, {"limit", 5}});
  REQUIRE(top);
  CHECK(ids(*top) == std::vector<std::int64_t>{3, 5, 6, 4, 1});
  // The limit counts sellers, not rows: seller 1 keeps both its data types.
  CHECK(top->at("sellers").as_array()[4].at("sync").as_object().size() == 2);
  auto first = call(w, registry, {{"limit", 2}});
  REQUIRE(first);
  CHECK(ids(*first) == std::vector<std::int64_t>{1, 2});

  for (const json::object& bad : {json::object{{"sort", "name"}}, json::object{{"limit", 0}},
                                  json::object{{"limit", "ten"}}}) {
    auto refused = call(w, registry, bad);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == control::codes::bad_args);
  }
}
