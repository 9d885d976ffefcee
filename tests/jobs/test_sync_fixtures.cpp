// Tests the sync's storage of every one of Amazon's static sandbox cases (searchOrders, getOrder,
// listTransactions), fetched over HTTPS from the local SP-API server by a sandbox seller: each
// page commits its rows, its encrypted raw payload and its sync_state in one transaction, and
// storing every page again changes nothing (stable ids, including the content-derived
// transaction ids of fixtures without transactionId).
#include "sync_fixture.hpp"

#include "jobs/sync/sync_store.hpp"
#include "spapi/orders.hpp"
#include "spapi/transactions.hpp"

#include <boost/json/serialize.hpp>

#include <set>

using namespace blazed;
using namespace blazed::testing;
using namespace blazed::testing::sync_test;
using jobs::sync::DataType;

TEST_CASE("every sandbox fixture is stored, and storing it again changes nothing", "[spapi][pg]") {
  SyncWorld w(R"({"sellers":[{"sellerId":"SANDBOX1","refreshToken":"Atzr|sandbox","sandbox":true}]})");
  const auto seller = w.add_seller("Atzr|sandbox");
  const Secret refresh("Atzr|sandbox");
  const spapi::SellerAuth auth{seller, spapi::Region::na, &refresh};
  jobs::sync::SyncStore store(*w.pool, SystemClock::instance(), *w.ring, crypto::random_nonces(),
                              "fixtures-test");
  const jobs::SyncWindow window{SystemClock::instance().now() - std::chrono::hours(24),
                                SystemClock::instance().now() - std::chrono::minutes(3)};
  REQUIRE(run_coro(w.io, store.begin_run(seller, DataType::orders, window)));
  REQUIRE(run_coro(w.io, store.begin_run(seller, DataType::transactions, window)));

  std::set<std::string> order_ids;
  std::set<std::string> transaction_ids;
  std::int64_t pages = 0;
  const json::value fixtures = w.admin("GET", "/fixtures");
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& f : fixtures.as_array()) {
      if (json::serialize(f.at("status")) != "200") continue;
      const std::string op(f.at("operation").as_string());
      const std::string target(f.at("target").as_string());
      INFO(op << " " << target);
      auto res = run_coro(w.io, w.api->get(auth, op, target));
      REQUIRE(res.has_value());
      std::vector<spapi::Order> orders;
      std::vector<spapi::Transaction> transactions;
      jobs::sync::PageToStore page;
      page.raw = res->raw;
      page.request_id = res->meta.request_id;
      if (op == "listTransactions") {
        auto parsed = spapi::parse_list_transactions(res->raw);
        REQUIRE(parsed);
        transactions = parsed->transactions;
        page.type = DataType::transactions;
        for (const auto& t : transactions) transaction_ids.insert(jobs::sync::transaction_key(t));
      } else {
        if (op == "getOrder") {
          auto parsed = spapi::parse_get_order(res->raw);
          REQUIRE(parsed);
          orders.push_back(*parsed);
        } else {
          auto parsed = spapi::parse_search_orders(res->raw);
          REQUIRE(parsed);
          orders = parsed->orders;
        }
        page.type = DataType::orders;
        for (const auto& o : orders) order_ids.insert(o.order_id);
      }
      page.orders = &orders;
      page.transactions = &transactions;
      auto rows = run_coro(w.io, store.commit_page(seller, page));
      REQUIRE(rows);
      ++pages;
    }
    CHECK(w.count("SELECT count(*) FROM orders") == static_cast<std::int64_t>(order_ids.size()));
    CHECK(w.count("SELECT count(*) FROM transactions") == static_cast<std::int64_t>(transaction_ids.size()));
    CHECK(w.count("SELECT count(*) FROM raw_payloads") == pages);
    CHECK(w.count("SELECT sum(run_pages) FROM sync_state") == pages);
  }
  CHECK(order_ids.size() >= 3);
  CHECK(transaction_ids.size() >= 1);
  // Amazon's transaction fixtures carry no transactionId: the derived ids are stored.
  CHECK(w.count("SELECT count(*) FROM transactions WHERE transaction_id LIKE 'sha256:%' "
                "AND length(transaction_id) = 71") >= 1);
  CHECK(w.count("SELECT count(*) FROM order_items") >= 1);
  // Money as exact NUMERIC: the stored text is Amazon's.
  CHECK(w.count("SELECT count(*) FROM orders WHERE grand_total IS NOT NULL") >= 1);
}
