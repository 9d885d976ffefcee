// Tests LWA and the SP-API client over real HTTPS against a local Beast server that plays LWA
// and SP-API (token issue and revocation, 403 for stale tokens, 429, pagination).
// Note: never co_await inside a Catch macro; g++ 12 evaluates it more than once there.
#include "core/log.hpp"
#include "harness/https_test_server.hpp"
#include "harness/run_coro.hpp"
#include "harness/temp_dir.hpp"
#include "harness/test_pki.hpp"
#include "http/client.hpp"
#include "spapi/client.hpp"
#include "spapi/from_config.hpp"
#include "spapi/iso_time.hpp"
#include "spapi/lwa.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <set>

using namespace blazed;
using namespace blazed::spapi;
using namespace blazed::testing;
namespace asio = boost::asio;
using asio::awaitable;
using namespace std::chrono_literals;

namespace {

const std::string kClientSecret = "amzn1.oa2-cs.v1.canary-client-secret";
const std::string kRefresh = "Atzr|canary-refresh-token";

std::map<std::string, std::string> form_of(const std::string& body) {
  std::map<std::string, std::string> out;
  if (!boost::urls::parse_query(body)) return out;
  boost::urls::encoding_opts opt;
  opt.space_as_plus = true;  // form encoding
  for (auto p : boost::urls::params_view(body, opt)) out[p.key] = p.value;
  return out;
}

std::map<std::string, std::string> query_of(const std::string& target) {
  const auto q = target.find('?');
  return q == std::string::npos ? std::map<std::string, std::string>{} : form_of(target.substr(q + 1));
}

// LWA and SP-API as far as these tests need them. Runs on the test's io_context.
struct FakeAmazon {
  int token_requests = 0;
  int api_requests = 0;
  std::set<std::string> valid_tokens;
  std::string lwa_error;   // answer the next token requests with this OAuth error
  unsigned api_status = 200;  // force this status on API requests (429, 500...)
  bool reject_all_tokens = false;  // a seller whose authorization Amazon withdrew
  std::vector<TestRequest> api_seen;
  std::vector<std::string> transaction_pages = {
      R"({"payload":{"nextToken":"p2","transactions":[]}})",
      R"({"payload":{"transactions":[{"transactionId":"t1","totalAmount":{"currencyCode":"USD","currencyAmount":12.3456789012345678901}}]}})"};

  TestResponse handle(const TestRequest& r) {
    TestResponse res;
    res.headers = {{"content-type", "application/json"}, {"x-amzn-RequestId", "rid-" + std::to_string(token_requests + api_requests)}};
    if (r.target == "/auth/o2/token") {
      ++token_requests;
      auto form = form_of(r.body);
      if (!lwa_error.empty()) {
        res.status = lwa_error == "invalid_client" ? 401 : 400;
        res.body = R"({"error":")" + lwa_error + R"(","error_description":"no"})";
      } else if (form["grant_type"] != "refresh_token" || form["refresh_token"] != kRefresh ||
                 form["client_id"] != "test-client" || form["client_secret"] != kClientSecret ||
                 r.headers.at("content-type").find("application/x-www-form-urlencoded") != 0) {
        res.status = 400;
        res.body = R"({"error":"invalid_request"})";
      } else {
        const std::string token = "Atza|issued-" + std::to_string(token_requests);
        valid_tokens.insert(token);
        res.body = R"({"access_token":")" + token + R"(","token_type":"bearer","expires_in":3600})";
      }
      return res;
    }
    ++api_requests;
    api_seen.push_back(r);
    auto tok = r.headers.find("x-amz-access-token");
    if (tok == r.headers.end() || !valid_tokens.contains(tok->second) || reject_all_tokens) {
      res.status = 403;
      res.body = R"({"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied."}]})";
      return res;
    }
    if (api_status != 200) {
      res.status = api_status;
      res.body = api_status == 429 ? R"({"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource."}]})"
                                   : R"({"errors":[{"code":"InternalFailure","message":"x"}]})";
      return res;
    }
    res.headers.emplace_back("x-amzn-RateLimit-Limit", "0.0056");
    if (r.target.starts_with("/orders/2026-01-01/orders?")) {
      res.body = R"({"orders":[{"orderId":"902-1","createdTime":"2025-01-01T10:00:00Z","lastUpdatedTime":"2025-01-02T10:00:00Z",)"
                 R"("salesChannel":{"channelName":"AMAZON","marketplaceId":"ATVPDKIKX0DER"},)"
                 R"("buyer":{"buyerName":"Canary Buyer","buyerEmail":"canary-buyer@marketplace.amazon.com"},)"
                 R"("recipient":{"deliveryAddress":{"postalCode":"98101-4321","countryCode":"US"}},)"
                 R"("proceeds":{"grandTotal":{"amount":"19.99","currencyCode":"USD"}},"orderItems":[]}]})";
    } else if (r.target.starts_with("/finances/2024-06-19/transactions?")) {
      res.body = query_of(r.target).contains("nextToken") ? transaction_pages[1] : transaction_pages[0];
    } else {
      res.status = 404;
      res.body = R"({"errors":[{"code":"NotFound","message":"x"}]})";
    }
    return res;
  }
};

struct World {
  TempDir dir{"blazed-spapi"};
  TestPki pki = make_test_pki(dir.path(), "spapi", {"localhost"}, {});
  asio::io_context io;
  ManualClock clock;
  FakeAmazon amazon;
  HttpsTestServer server{io, pki, [this](const TestRequest& r) { return amazon.handle(r); }};
  std::string base = "https://localhost:" + std::to_string(server.port());
  std::unique_ptr<http::Client> http;
  std::unique_ptr<LwaClient> lwa;
  std::unique_ptr<SpApiClient> api;
  std::vector<ResponseMeta> metas;
  Secret refresh{kRefresh};

  World() {
    config::SpApiConfig cfg;
    cfg.endpoint_na = base;
    cfg.lwa_endpoint = base + "/auth/o2/token";
    cfg.ca_file = pki.ca_cert.string();
    cfg.client_id = "test-client";
    auto setup = setup_from_config(cfg, Secret(kClientSecret)).value();
    setup.spapi.on_response = [this](std::string_view, SellerId, const ResponseMeta& m) { metas.push_back(m); };
    http = http::Client::create(io.get_executor(), setup.http).value();
    lwa = std::make_unique<LwaClient>(*http, clock, std::move(setup.lwa));
    api = std::make_unique<SpApiClient>(*http, *lwa, clock, std::move(setup.spapi));
  }
  SellerAuth seller(SellerId id = 7) const { return SellerAuth{id, Region::na, &refresh}; }
  SearchOrdersParams orders_params() const {
    SearchOrdersParams p;
    p.last_updated_after = clock.now() - 24h;
    p.marketplace_ids = {"ATVPDKIKX0DER"};
    return p;
  }
};

}  // namespace

TEST_CASE("LWA access tokens are cached per seller and refreshed 60 s before expiry", "[lwa]") {
  World w;
  run_coro(w.io, [&]() -> awaitable<void> {
    auto a = co_await w.lwa->access_token(7, w.refresh);
    auto b = co_await w.lwa->access_token(7, w.refresh);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(*a == *b);
    CHECK(w.amazon.token_requests == 1);

    auto other = co_await w.lwa->access_token(8, w.refresh);  // another seller: its own token
    REQUIRE(other.has_value());
    CHECK_FALSE(*other == *a);
    CHECK(w.amazon.token_requests == 2);

    w.clock.advance(3600s - 61s);
    auto c = co_await w.lwa->access_token(7, w.refresh);
    REQUIRE(c.has_value());
    CHECK(*c == *a);
    CHECK(w.amazon.token_requests == 2);

    w.clock.advance(2s);  // now within 60 s of expiry
    auto d = co_await w.lwa->access_token(7, w.refresh);
    REQUIRE(d.has_value());
    CHECK_FALSE(*d == *a);
    CHECK(w.amazon.token_requests == 3);
  }());
  CHECK(w.lwa->exchanges() == 3);
}

TEST_CASE("a cached token is dropped when it would not be valid at its next use", "[lwa]") {
  World w;
  run_coro(w.io, [&]() -> awaitable<void> {
    REQUIRE((co_await w.lwa->access_token(7, w.refresh)).has_value());
    REQUIRE((co_await w.lwa->access_token(8, w.refresh)).has_value());
    w.lwa->forget_unless_valid_at(7, w.clock.now() + 10min);  // still valid then: kept
    w.lwa->forget_unless_valid_at(8, w.clock.now() + 1h);     // expired by then: dropped
    w.lwa->forget_unless_valid_at(9, w.clock.now());          // nothing cached: nothing happens
    CHECK(w.lwa->cached() == 1);
    REQUIRE((co_await w.lwa->access_token(7, w.refresh)).has_value());
    CHECK(w.amazon.token_requests == 2);
    REQUIRE((co_await w.lwa->access_token(8, w.refresh)).has_value());
    CHECK(w.amazon.token_requests == 3);
  }());
}

TEST_CASE("concurrent requests for one seller share a single refresh", "[lwa]") {
  World w;
  constexpr int n = 6;
  std::vector<Result<Secret>> got;
  run_coro(w.io, [&]() -> awaitable<void> {
    asio::steady_timer all_done(w.io, asio::steady_timer::time_point::max());
    int left = n;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(w.io, [&]() -> awaitable<void> {
        got.push_back(co_await w.lwa->access_token(7, w.refresh));
        if (--left == 0) all_done.cancel();
      }, asio::detached);
    }
    co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
  }());
  REQUIRE(got.size() == n);
  for (const auto& r : got) {
    REQUIRE(r.has_value());
    CHECK(*r == *got.front());
  }
  CHECK(w.amazon.token_requests == 1);
}

TEST_CASE("LWA errors map to distinct codes", "[lwa]") {
  World w;
  const auto [oauth, code] = GENERATE(std::pair<std::string, std::string>{"invalid_grant", "lwa_invalid_grant"},
                                      std::pair<std::string, std::string>{"invalid_client", "lwa_invalid_client"},
                                      std::pair<std::string, std::string>{"invalid_scope", "lwa_error"});
  w.amazon.lwa_error = oauth;
  run_coro(w.io, [&]() -> awaitable<void> {
    auto t = co_await w.lwa->access_token(7, w.refresh);
    REQUIRE(t.has_error());
    CHECK(t.error().code == code);
    // A failed exchange is not cached: the next call asks again.
    auto again = co_await w.api->search_orders(w.seller(), w.orders_params());
    REQUIRE(again.has_error());
    CHECK(again.error().code == code);
  }());
  CHECK(w.amazon.token_requests == 2);
  CHECK(w.amazon.api_requests == 0);
}

TEST_CASE("searchOrders sends token, user agent and parameters and surfaces metadata", "[spapi]") {
  World w;
  run_coro(w.io, [&]() -> awaitable<void> {
    auto page = co_await w.api->search_orders(w.seller(), w.orders_params());
    REQUIRE(page.has_value());
    REQUIRE(page->value.orders.size() == 1);
    const Order& o = page->value.orders[0];
    CHECK(o.order_id == "902-1");
    CHECK(o.grand_total == std::optional<Money>(Money{"19.99", "USD"}));
    CHECK(o.shipping_zone == std::optional<ShippingZone>(ShippingZone{"US", "981"}));
    CHECK(page->meta.status == 200);
    CHECK(page->meta.request_id == "rid-1");
    CHECK(page->meta.rate_limit == std::optional<std::string>("0.0056"));
    // The raw bytes (with the PII the structs drop) stay available for encrypted storage.
    CHECK(page->raw.find("98101-4321") != std::string::npos);
  }());
  REQUIRE(w.amazon.api_seen.size() == 1);
  const TestRequest& r = w.amazon.api_seen[0];
  CHECK(r.headers.at("x-amz-access-token") == "Atza|issued-1");
  CHECK(r.headers.at("user-agent") == "blazed/" BLAZED_VERSION " (Language=C++; Platform=Linux)");
  auto q = query_of(r.target);
  CHECK(q["lastUpdatedAfter"] == format_iso8601(w.clock.now() - 24h));
  CHECK(q["marketplaceIds"] == "ATVPDKIKX0DER");
  CHECK(q["includedData"] == "PROCEEDS,FULFILLMENT");
  CHECK(q["maxResultsPerPage"] == "100");
  REQUIRE(w.metas.size() == 1);
  CHECK(w.metas[0].request_id == "rid-1");
}

TEST_CASE("403 leads to one refresh and one retry", "[spapi][lwa]") {
  World w;
  run_coro(w.io, [&]() -> awaitable<void> {
    auto first = co_await w.api->search_orders(w.seller(), w.orders_params());
    REQUIRE(first.has_value());
    w.amazon.valid_tokens.clear();  // Amazon revoked the access token early
    auto second = co_await w.api->search_orders(w.seller(), w.orders_params());
    REQUIRE(second.has_value());
  }());
  CHECK(w.amazon.token_requests == 2);
  CHECK(w.amazon.api_requests == 3);
  CHECK(w.amazon.api_seen.back().headers.at("x-amz-access-token") == "Atza|issued-2");
  CHECK(w.metas.size() == 3);
  CHECK(w.metas[1].status == 403);
}

TEST_CASE("a second 403 after the refresh is spapi_unauthorized", "[spapi][lwa]") {
  World w;
  run_coro(w.io, [&]() -> awaitable<void> {
    w.amazon.reject_all_tokens = true;
    auto res = co_await w.api->search_orders(w.seller(), w.orders_params());
    REQUIRE(res.has_error());
    CHECK(res.error().code == "spapi_unauthorized");
    CHECK(res.error().message.find("request id") != std::string::npos);
  }());
  CHECK(w.amazon.token_requests == 2);
  CHECK(w.amazon.api_requests == 2);
}

TEST_CASE("429 QuotaExceeded and 5xx map to their codes", "[spapi]") {
  World w;
  const auto [status, code] = GENERATE(std::pair<unsigned, std::string>{429, "spapi_throttled"},
                                       std::pair<unsigned, std::string>{503, "spapi_server_error"});
  w.amazon.api_status = status;
  run_coro(w.io, [&]() -> awaitable<void> {
    auto res = co_await w.api->search_orders(w.seller(), w.orders_params());
    REQUIRE(res.has_error());
    CHECK(res.error().code == code);
  }());
  REQUIRE(w.metas.size() == 1);
  CHECK(w.metas[0].status == status);
  CHECK_FALSE(w.metas[0].request_id.empty());
}

TEST_CASE("listTransactions pages through an empty page with the same parameters", "[spapi]") {
  World w;
  std::vector<Transaction> all;
  run_coro(w.io, [&]() -> awaitable<void> {
    ListTransactionsParams p;
    p.posted_after = w.clock.now() - 48h;
    p.marketplace_id = "ATVPDKIKX0DER";
    int pages = 0;
    for (;;) {
      auto page = co_await w.api->list_transactions(w.seller(), p);
      REQUIRE(page.has_value());
      ++pages;
      for (auto& t : page->value.transactions) all.push_back(t);
      if (!page->value.next_token) break;
      p.next_token = page->value.next_token;
    }
    CHECK(pages == 2);
  }());
  REQUIRE(all.size() == 1);
  CHECK(all[0].total_amount->amount == "12.3456789012345678901");
  REQUIRE(w.amazon.api_seen.size() == 2);
  auto q1 = query_of(w.amazon.api_seen[0].target);
  auto q2 = query_of(w.amazon.api_seen[1].target);
  CHECK(q2["nextToken"] == "p2");
  q2.erase("nextToken");
  CHECK(q1 == q2);
  CHECK(w.amazon.token_requests == 1);
}

TEST_CASE("invalid parameters fail before any request", "[spapi]") {
  World w;
  run_coro(w.io, [&]() -> awaitable<void> {
    auto p = w.orders_params();
    p.last_updated_before = w.clock.now();
    auto res = co_await w.api->search_orders(w.seller(), p);
    REQUIRE(res.has_error());
    CHECK(res.error().code == "invalid_argument");
  }());
  CHECK(w.amazon.token_requests == 0);
  CHECK(w.amazon.api_requests == 0);
}

TEST_CASE("no token, client secret or buyer PII reaches logs or error messages", "[spapi][pii]") {
  std::string sink;
  log::configure(log::Settings{log::Level::trace, {}, log::Format::json});
  log::capture_to(&sink);
  std::vector<std::string> texts;
  {
    World w;
    run_coro(w.io, [&]() -> awaitable<void> {
      auto ok = co_await w.api->search_orders(w.seller(), w.orders_params());
      REQUIRE(ok.has_value());
      w.amazon.reject_all_tokens = true;
      auto denied = co_await w.api->get(w.seller(9), "getOrder", "/orders/2026-01-01/orders/1");
      REQUIRE(denied.has_error());
      texts.push_back(denied.error().message);
      w.amazon.lwa_error = "invalid_client";
      auto lwa = co_await w.lwa->access_token(10, w.refresh);
      REQUIRE(lwa.has_error());
      texts.push_back(lwa.error().message);
    }());
  }
  log::capture_to(nullptr);
  log::configure(log::Settings{});
  texts.push_back(sink);
  CHECK(sink.find("sp-api response") != std::string::npos);  // the lines were really captured
  for (const auto& t : texts) {
    for (const std::string& canary : {std::string("Atza|issued"), kRefresh, kClientSecret,
                                     std::string("Canary Buyer"), std::string("canary-buyer@"),
                                     std::string("98101-4321")}) {
      INFO(canary);
      CHECK(t.find(canary) == std::string::npos);
    }
  }
}

TEST_CASE("configuration is validated", "[spapi]") {
  config::SpApiConfig cfg;
  cfg.client_id = "c";
  CHECK(setup_from_config(cfg, Secret("s")).has_value());
  CHECK(setup_from_config(cfg, Secret()).error().code == "bad_config");
  auto plain = cfg;
  plain.endpoint_eu = "http://127.0.0.1:9/";
  CHECK(setup_from_config(plain, Secret("s")).error().code == "bad_config");
  plain.allow_plain_http = true;
  CHECK(setup_from_config(plain, Secret("s")).has_value());
  auto bad = cfg;
  bad.included_data = {"EVERYTHING"};
  CHECK(setup_from_config(bad, Secret("s")).error().code == "bad_config");
  bad = cfg;
  bad.max_results_per_page = 0;
  CHECK(setup_from_config(bad, Secret("s")).error().code == "bad_config");
  bad = cfg;
  bad.user_agent_app = "my app";
  CHECK(setup_from_config(bad, Secret("s")).error().code == "bad_config");
}
