// Tests the SP-API client end to end against the local Node SP-API server (tests/spapi-server):
// Amazon's sandbox fixtures over HTTPS, generated sellers across pages, expired and revoked
// tokens, usage-plan 429s and injected faults.
// Note: never co_await inside a Catch macro; g++ 12 evaluates it more than once there.
#include "harness/run_coro.hpp"
#include "harness/spapi_server.hpp"
#include "http/client.hpp"
#include "metrics/registry.hpp"
#include "spapi/client.hpp"
#include "spapi/from_config.hpp"
#include "spapi/iso_time.hpp"
#include "spapi/lwa.hpp"
#include "spapi/spapi_metrics.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <set>

using namespace blazed;
using namespace blazed::spapi;
using namespace blazed::testing;
namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;
using namespace std::chrono_literals;

namespace {

constexpr SellerId kSandbox = 1;
constexpr SellerId kGenerated = 2;

const std::string kServerConfig = R"({
  "sellers": [
    {"sellerId": "SANDBOX1", "refreshToken": "Atzr|sandbox", "sandbox": true},
    {"sellerId": "GEN1", "refreshToken": "Atzr|gen-1", "orders": 250, "transactions": 60, "seed": 7,
     "transactionsPerPage": 20, "emptyPageEvery": 2,
     "recipientCanary": {"name": "Canary Name", "email": "canary@example.net", "postalCode": "94110-1234"},
     "plans": {"searchOrders": {"rate": 50, "burst": 100}, "listTransactions": {"rate": 50, "burst": 100}}}
  ]
})";

struct Live {
  SpapiServer server{kServerConfig};
  asio::io_context io;
  metrics::Registry registry;
  SpApiMetrics spapi_metrics{registry};
  std::unique_ptr<http::Client> http;
  std::unique_ptr<LwaClient> lwa;
  std::unique_ptr<SpApiClient> api;
  Secret sandbox_refresh{"Atzr|sandbox"};
  Secret generated_refresh{"Atzr|gen-1"};

  explicit Live(std::size_t max_response_bytes = 16 * 1024 * 1024,
                std::string client_secret = SpapiServer::kClientSecret) {
    config::SpApiConfig cfg;
    cfg.endpoint_na = server.url();
    cfg.lwa_endpoint = server.url() + "/auth/o2/token";
    cfg.ca_file = server.ca_file().string();
    cfg.client_id = SpapiServer::kClientId;
    cfg.max_response_bytes = max_response_bytes;
    auto setup = setup_from_config(cfg, Secret(std::move(client_secret))).value();
    setup.spapi.metrics = &spapi_metrics;
    setup.lwa.metrics = &spapi_metrics;
    http = http::Client::create(io.get_executor(), setup.http).value();
    lwa = std::make_unique<LwaClient>(*http, SystemClock::instance(), std::move(setup.lwa));
    api = std::make_unique<SpApiClient>(*http, *lwa, SystemClock::instance(), std::move(setup.spapi));
  }

  SellerAuth sandbox() const { return {kSandbox, Region::na, &sandbox_refresh}; }
  SellerAuth generated() const { return {kGenerated, Region::na, &generated_refresh}; }

  // The admin API (a blocking call on its own connection; the server is another process).
  json::value admin(const std::string& method, const std::string& path, const std::string& body = "") {
    const HttpReply reply = server.admin(method, path, body);
    INFO(reply.body);
    REQUIRE(reply.status < 300);
    return json::parse(reply.body);
  }
};


}  // namespace

TEST_CASE("every sandbox fixture served over HTTPS parses or maps to its error", "[spapi][live]") {
  Live w;
  std::size_t ok = 0, invalid = 0;
  run_coro(w.io, [&]() -> awaitable<void> {
    const json::value fixtures = w.admin("GET", "/fixtures");
    for (const auto& f : fixtures.as_array()) {
      const std::string op(f.at("operation").as_string());
      const std::string target(f.at("target").as_string());
      const std::string status = json::serialize(f.at("status"));
      INFO(op << " " << target);
      auto res = co_await w.api->get(w.sandbox(), op, target);
      if (status != "200") {
        REQUIRE(res.has_error());
        CHECK(res.error().code == "spapi_invalid_input");
        ++invalid;
        continue;
      }
      REQUIRE(res.has_value());
      CHECK_FALSE(res->meta.request_id.empty());
      const auto& expected = f.at("response").as_object();
      if (op == "searchOrders") {
        auto page = parse_search_orders(res->raw);
        REQUIRE(page.has_value());
        CHECK(page->orders.size() == expected.at("orders").as_array().size());
      } else if (op == "getOrder") {
        auto order = parse_get_order(res->raw);
        REQUIRE(order.has_value());
        CHECK(order->order_id == std::string(expected.at("order").at("orderId").as_string()));
      } else {
        REQUIRE(op == "listTransactions");
        auto page = parse_list_transactions(res->raw);
        REQUIRE(page.has_value());
        REQUIRE(page->transactions.size() == 1);
        CHECK(page->transactions[0].total_amount->amount == "10");
      }
      ++ok;
    }
  }());
  CHECK(ok >= 7);
  CHECK(invalid >= 3);
}

TEST_CASE("a generated seller's orders come complete across pages, without PII", "[spapi][live]") {
  Live w;
  std::set<std::string> ids;
  int pages = 0;
  run_coro(w.io, [&]() -> awaitable<void> {
    SearchOrdersParams p;
    p.last_updated_after = SystemClock::instance().now() - 100 * 24h;
    p.marketplace_ids = {"ATVPDKIKX0DER"};
    p.included_data = {"RECIPIENT", "PROCEEDS", "FULFILLMENT"};
    for (;;) {
      auto page = co_await w.api->search_orders(w.generated(), p);
      REQUIRE(page.has_value());
      ++pages;
      CHECK_FALSE(page->meta.request_id.empty());
      CHECK(page->meta.rate_limit.has_value());
      CHECK(page->raw.find("94110-1234") != std::string::npos);  // the raw page keeps it
      for (const Order& o : page->value.orders) {
        ids.insert(o.order_id);
        REQUIRE(o.shipping_zone.has_value());
        CHECK(o.shipping_zone->zone == "941");
        REQUIRE(o.grand_total.has_value());
        CHECK_FALSE(o.items.empty());
        CHECK_FALSE(o.status.empty());
      }
      if (!page->value.next_token) break;
      p.pagination_token = page->value.next_token;
    }
  }());
  CHECK(pages == 3);
  CHECK(ids.size() == 250);
  CHECK(w.http->connections_opened() == 1);  // LWA and every page on one kept-alive connection
}

TEST_CASE("transactions keep their 19 fraction digits across empty pages", "[spapi][live]") {
  Live w;
  std::size_t count = 0, empty_pages = 0;
  run_coro(w.io, [&]() -> awaitable<void> {
    ListTransactionsParams p;
    p.posted_after = SystemClock::instance().now() - 100 * 24h;
    for (;;) {
      auto page = co_await w.api->list_transactions(w.generated(), p);
      REQUIRE(page.has_value());
      if (page->value.transactions.empty()) ++empty_pages;
      for (const Transaction& t : page->value.transactions) {
        ++count;
        REQUIRE(t.total_amount.has_value());
        const std::string& a = t.total_amount->amount;
        REQUIRE(a.find('.') != std::string::npos);
        CHECK(a.size() - a.find('.') - 1 == 19);
      }
      if (!page->value.next_token) break;
      p.next_token = page->value.next_token;
    }
  }());
  CHECK(count == 60);
  CHECK(empty_pages >= 1);
}

TEST_CASE("an expired access token costs one refresh and one retry", "[spapi][live][lwa]") {
  Live w;
  run_coro(w.io, [&]() -> awaitable<void> {
    auto order_page = [&]() -> awaitable<Result<Fetched<OrdersPage>>> {
      SearchOrdersParams p;
      p.last_updated_after = SystemClock::instance().now() - 100 * 24h;
      p.max_results_per_page = 5;
      co_return co_await w.api->search_orders(w.generated(), p);
    };
    auto first = co_await order_page();
    REQUIRE(first.has_value());
    w.admin("POST", "/sellers/GEN1/expire-tokens", "{}");
    auto second = co_await order_page();
    REQUIRE(second.has_value());
    const json::value stats = w.admin("GET", "/stats");
    const auto& gen = stats.at("sellers").at("GEN1");
    CHECK(gen.at("lwa").at("requests").to_number<int>() == 2);
    CHECK(gen.at("searchOrders").at("403").to_number<int>() == 1);
    CHECK(gen.at("searchOrders").at("200").to_number<int>() == 2);
  }());
  CHECK(w.lwa->exchanges() == 2);
}

TEST_CASE("a revoked seller is lwa_invalid_grant; a wrong client secret is lwa_invalid_client",
          "[spapi][live][lwa]") {
  SECTION("revoked refresh token") {
    Live w;
    run_coro(w.io, [&]() -> awaitable<void> {
      w.admin("POST", "/sellers/GEN1/revoke", R"({"expireAccessTokens":true})");
      auto t = co_await w.lwa->access_token(kGenerated, w.generated_refresh);
      REQUIRE(t.has_error());
      CHECK(t.error().code == "lwa_invalid_grant");
    }());
  }
  SECTION("wrong client secret") {
    Live w(16 * 1024 * 1024, "not-the-secret");
    run_coro(w.io, [&]() -> awaitable<void> {
      auto t = co_await w.lwa->access_token(kGenerated, w.generated_refresh);
      REQUIRE(t.has_error());
      CHECK(t.error().code == "lwa_invalid_client");
    }());
    CHECK(w.registry.counter(kLwaRefreshesMetric, "", {"result"}).with({"failed"}).value() == 1);
  }
}

TEST_CASE("throttling, server errors and broken replies map to distinct codes", "[spapi][live]") {
  const auto [fault, code] = GENERATE(
      std::pair<std::string, std::string>{R"({"kind":"throttle"})", "spapi_throttled"},
      std::pair<std::string, std::string>{R"({"kind":"status","status":503})", "spapi_server_error"},
      std::pair<std::string, std::string>{R"({"kind":"oversize","bytes":2097152})", "http_too_large"},
      std::pair<std::string, std::string>{R"({"kind":"malformed"})", "spapi_malformed"},
      std::pair<std::string, std::string>{R"({"kind":"truncate"})", "http_"});
  Live w(1024 * 1024);
  run_coro(w.io, [&]() -> awaitable<void> {
    w.admin("POST", "/faults", fault);
    SearchOrdersParams p;
    p.last_updated_after = SystemClock::instance().now() - 100 * 24h;
    auto res = co_await w.api->search_orders(w.generated(), p);
    REQUIRE(res.has_error());
    INFO(res.error().code << ": " << res.error().message);
    CHECK(res.error().code.starts_with(code));
    // The fault was used up: the next call succeeds (on a fresh connection if needed).
    auto again = co_await w.api->search_orders(w.generated(), p);
    REQUIRE(again.has_value());
  }());
  // A request that got no answer is counted too, under status "none".
  if (code == "http_")
    CHECK(w.registry.counter(kRequestsMetric, "", {"operation", "status"}).with({"searchOrders", "none"}).value() == 1);
}

TEST_CASE("the usage plan's 429 is spapi_throttled", "[spapi][live]") {
  Live w;
  int throttled = 0;
  run_coro(w.io, [&]() -> awaitable<void> {
    w.admin("PUT", "/sellers/GEN1/plans", R"({"getOrder":{"rate":0.001,"burst":2}})");
    SearchOrdersParams p;
    p.last_updated_after = SystemClock::instance().now() - 100 * 24h;
    p.max_results_per_page = 1;
    auto one = co_await w.api->search_orders(w.generated(), p);
    REQUIRE(one.has_value());
    REQUIRE(one->value.orders.size() == 1);
    const std::string id = one->value.orders[0].order_id;
    for (int i = 0; i < 3; ++i) {
      auto res = co_await w.api->get_order(w.generated(), id);
      if (res.has_error()) {
        CHECK(res.error().code == "spapi_throttled");
        ++throttled;
      } else {
        CHECK(res->value.order_id == id);
      }
    }
  }());
  CHECK(throttled == 1);
  // Every request counted by operation and status, the 429 also as throttled, each one timed.
  auto& requests = w.registry.counter(kRequestsMetric, "", {"operation", "status"});
  CHECK(requests.with({"searchOrders", "200"}).value() == 1);
  CHECK(requests.with({"getOrder", "200"}).value() == 2);
  CHECK(requests.with({"getOrder", "429"}).value() == 1);
  auto& throttled_total = w.registry.counter(kThrottledMetric, "", {"operation"});
  CHECK(throttled_total.with({"getOrder"}).value() == 1);
  CHECK(throttled_total.with({"searchOrders"}).value() == 0);
  auto& duration = w.registry.histogram(kRequestDurationMetric, "", metrics::default_duration_buckets(),
                                        {"operation"});
  CHECK(duration.with({"getOrder"}).snapshot().count == 3);
  CHECK(duration.with({"searchOrders"}).snapshot().count == 1);
  // One token exchange for the seller, which worked.
  auto& refreshes = w.registry.counter(kLwaRefreshesMetric, "", {"result"});
  CHECK(refreshes.with({"ok"}).value() == 1);
  CHECK(refreshes.with({"failed"}).value() == 0);
  // The exposition: bounded labels only (no seller, no token), the histogram in its three parts.
  const std::string scraped = w.registry.expose();
  CHECK_THAT(scraped, Catch::Contains("blazed_spapi_throttled_total{operation=\"getOrder\"} 1\n"));
  CHECK_THAT(scraped, Catch::Contains("blazed_spapi_request_duration_seconds_count{operation=\"getOrder\"} 3\n"));
  CHECK_THAT(scraped, Catch::Contains("blazed_spapi_request_duration_seconds_bucket{operation=\"getOrder\",le=\"+Inf\"} 3\n"));
  CHECK_THAT(scraped, !Catch::Contains("GEN1"));
  CHECK_THAT(scraped, !Catch::Contains("Atzr"));
}
