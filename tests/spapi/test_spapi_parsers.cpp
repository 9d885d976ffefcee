// Tests the SP-API request builders and parsers on Amazon's own sandbox fixtures (read from the
// models kept in tests/spapi-server/models) and on hand-written edge cases. Needs no service.
#include "spapi/iso_time.hpp"
#include "spapi/json_exact.hpp"
#include "spapi/json_read.hpp"
#include "spapi/orders.hpp"
#include "spapi/postal_zone.hpp"
#include "spapi/status.hpp"
#include "spapi/transactions.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace blazed;
using namespace blazed::spapi;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// Amazon's models: the copy kept in the repository (tests/spapi-server/models/README.md).
std::filesystem::path models_dir() {
  return std::filesystem::path(BLAZED_SOURCE_DIR) / "tests" / "spapi-server" / "models";
}

json::object load_model(const std::string& name) {
  std::ifstream in(models_dir() / name);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str()).as_object();
}

struct Fixture {
  std::string operation;
  std::string status;
  json::object request;
  std::string body;  // the response, serialized as the server would send it
  json::value response;
};

// Every x-amzn-api-sandbox static case of `operation_id` in `model`.
std::vector<Fixture> fixtures(const json::object& model, const std::string& operation_id) {
  std::vector<Fixture> out;
  for (const auto& [path, ops] : model.at("paths").as_object()) {
    for (const auto& [method, op] : ops.as_object()) {
      if (!op.is_object() || !op.as_object().contains("operationId")) continue;
      if (op.at("operationId").as_string() != operation_id) continue;
      for (const auto& [status, resp] : op.at("responses").as_object()) {
        const auto* sandbox = resp.as_object().if_contains("x-amzn-api-sandbox");
        if (sandbox == nullptr) continue;
        const auto* statics = sandbox->as_object().if_contains("static");
        if (statics == nullptr) continue;
        for (const auto& c : statics->as_array()) {
          out.push_back(Fixture{operation_id, std::string(status),
                                c.at("request").as_object(),
                                json::serialize(c.at("response")), c.at("response")});
        }
      }
    }
  }
  return out;
}

// Every string value anywhere in `v` (to look for PII in the parsed structs).
void collect(const Order& o, std::vector<std::string>& out) {
  out.insert(out.end(), {o.order_id, o.marketplace_id, o.sales_channel, o.status, o.fulfilled_by});
  if (o.grand_total) out.insert(out.end(), {o.grand_total->amount, o.grand_total->currency});
  if (o.shipping_zone) out.insert(out.end(), {o.shipping_zone->country, o.shipping_zone->zone});
  for (const auto& i : o.items) {
    out.insert(out.end(), {i.order_item_id, i.asin, i.seller_sku});
    if (i.unit_price) out.insert(out.end(), {i.unit_price->amount, i.unit_price->currency});
    if (i.proceeds_total) out.insert(out.end(), {i.proceeds_total->amount, i.proceeds_total->currency});
  }
}

// The PII an order JSON carries: buyer name/e-mail, recipient name, street, postal code, phone.
std::vector<std::string> pii_of(const json::object& order) {
  std::vector<std::string> out;
  if (const auto* b = order.if_contains("buyer")) {
    for (const auto& [k, v] : b->as_object()) {
      if (v.is_string() && !v.as_string().empty()) out.emplace_back(v.as_string());
    }
  }
  if (const auto* r = order.if_contains("recipient")) {
    if (const auto* a = r->as_object().if_contains("deliveryAddress")) {
      for (const char* k : {"name", "addressLine1", "addressLine2", "postalCode", "phone"}) {
        if (const auto* v = a->as_object().if_contains(k); v && !v->as_string().empty()) {
          out.emplace_back(v->as_string());
        }
      }
    }
  }
  return out;
}

void check_order_matches(const Order& parsed, const json::object& src) {
  CHECK(parsed.order_id == std::string(src.at("orderId").as_string()));
  CHECK(parsed.marketplace_id == std::string(src.at("salesChannel").at("marketplaceId").as_string()));
  CHECK(format_iso8601(parsed.created_time) == std::string(src.at("createdTime").as_string()));
  if (const auto* p = src.if_contains("proceeds"); p && p->as_object().contains("grandTotal")) {
    REQUIRE(parsed.grand_total.has_value());
    CHECK(parsed.grand_total->amount ==
          std::string(p->at("grandTotal").at("amount").as_string()));
  }
  if (const auto* items = src.if_contains("orderItems")) {
    REQUIRE(parsed.items.size() == items->as_array().size());
    for (std::size_t i = 0; i < parsed.items.size(); ++i) {
      const auto& si = items->as_array()[i].as_object();
      CHECK(parsed.items[i].order_item_id == std::string(si.at("orderItemId").as_string()));
      CHECK(parsed.items[i].quantity_ordered == si.at("quantityOrdered").as_int64());
    }
  }
  std::vector<std::string> strings;
  collect(parsed, strings);
  for (const auto& pii : pii_of(src)) {
    for (const auto& s : strings) {
      INFO("a parsed field carries PII from the fixture");
      CHECK(s.find(pii) == std::string::npos);
    }
  }
}

}  // namespace

TEST_CASE("every searchOrders sandbox fixture parses", "[spapi][orders]") {
  const auto model = load_model("orders_2026-01-01.json");
  const auto cases = fixtures(model, "searchOrders");
  REQUIRE(cases.size() >= 4);
  std::size_t ok_cases = 0;
  for (const auto& f : cases) {
    if (f.status == "200") {
      auto page = parse_search_orders(f.body);
      REQUIRE(page.has_value());
      const auto& src = f.response.as_object();
      const auto& orders = src.at("orders").as_array();
      REQUIRE(page->orders.size() == orders.size());
      for (std::size_t i = 0; i < orders.size(); ++i) check_order_matches(page->orders[i], orders[i].as_object());
      if (page->orders.front().order_id == "250-1234567-8901234") {
        CHECK(page->orders.front().shipping_zone == std::optional<ShippingZone>(ShippingZone{"JP", "150"}));
        CHECK(page->orders.front().status == "SHIPPED");
        CHECK(page->orders.front().fulfilled_by == "AMAZON");
        CHECK(page->orders.front().items.at(1).unit_price == std::optional<Money>(Money{"6980", "JPY"}));
      }
      const auto* pag = src.if_contains("pagination");
      CHECK(page->next_token.has_value() == (pag != nullptr));
      if (pag) CHECK(*page->next_token == std::string(pag->at("nextToken").as_string()));
      ++ok_cases;
    } else {
      REQUIRE(f.status == "400");
      Error e = error_from_response(ResponseMeta{400, "rid-1", std::nullopt}, f.body);
      CHECK(e.code == "spapi_invalid_input");
      CHECK(e.message.find("InvalidInput") != std::string::npos);
      CHECK(e.message.find("rid-1") != std::string::npos);
    }
  }
  CHECK(ok_cases >= 3);
}

TEST_CASE("every getOrder sandbox fixture parses", "[spapi][orders]") {
  const auto model = load_model("orders_2026-01-01.json");
  const auto cases = fixtures(model, "getOrder");
  REQUIRE(cases.size() >= 4);
  std::size_t pii_seen = 0;
  for (const auto& f : cases) {
    if (f.status != "200") continue;
    auto order = parse_get_order(f.body);
    REQUIRE(order.has_value());
    const auto& src = f.response.at("order").as_object();
    check_order_matches(*order, src);
    pii_seen += pii_of(src).size();
    if (order->order_id == "114-9876543-1234567") {
      CHECK(order->shipping_zone == std::optional<ShippingZone>(ShippingZone{"US", "981"}));
    }
  }
  CHECK(pii_seen > 0);  // the fixtures do carry PII, so the check above meant something
}

TEST_CASE("every listTransactions sandbox fixture parses", "[spapi][finances]") {
  const auto model = load_model("finances_2024-06-19.json");
  const auto cases = fixtures(model, "listTransactions");
  REQUIRE(cases.size() >= 2);
  for (const auto& f : cases) {
    if (f.status == "200") {
      auto page = parse_list_transactions(f.body);
      REQUIRE(page.has_value());
      const auto& payload = f.response.at("payload").as_object();
      REQUIRE(page->transactions.size() == payload.at("transactions").as_array().size());
      CHECK(page->next_token == std::optional<std::string>(std::string(payload.at("nextToken").as_string())));
      const auto& t = page->transactions.front();
      REQUIRE(t.total_amount.has_value());
      CHECK(t.total_amount->amount == "10");
      CHECK(t.total_amount->currency == "USD");
      CHECK(t.transaction_type == "Shipment");
      CHECK(t.marketplace_id == "ATIV93840DER");
      REQUIRE(t.posted_date.has_value());
      CHECK(format_iso8601(*t.posted_date) == "2020-07-14T03:35:13.214Z");
      REQUIRE(t.related_identifiers.size() == 2);
      CHECK(t.related_identifiers[1] == std::pair<std::string, std::string>("ORDER_ID", "8129762527551"));
    } else {
      Error e = error_from_response(ResponseMeta{400, "", std::nullopt}, f.body);
      CHECK(e.code == "spapi_invalid_input");
    }
  }
}

TEST_CASE("currencyAmount keeps its exact number text", "[spapi][finances]") {
  const std::string amount = GENERATE(as<std::string>{}, "12.3456789012345678901", "-0.5", "0",
                                      "123456789012345678901234567890", "1.5E+3", "-2e-7");
  const std::string body = R"({"payload":{"transactions":[{"transactionId":"t1","totalAmount":)"
                           R"({"currencyCode":"EUR","currencyAmount":)" + amount + "}}]}}";
  auto page = parse_list_transactions(body);
  REQUIRE(page.has_value());
  REQUIRE(page->transactions.size() == 1);
  CHECK(page->transactions[0].total_amount->amount == amount);
  CHECK_FALSE(page->next_token.has_value());
}

TEST_CASE("lossless JSON keeps numbers split across the input as text", "[spapi]") {
  auto v = parse_json_exact(R"({"a":[1, 2.50, -3e2, true, null, "x"]})").value();
  const auto& a = v.at("a").as_array();
  CHECK(a[0].as_string() == "1");
  CHECK(a[1].as_string() == "2.50");
  CHECK(a[2].as_string() == "-3e2");
  CHECK(a[3].as_bool());
  CHECK(a[4].is_null());
  CHECK(parse_json_exact("{\"a\":").error().code == "spapi_malformed");
  CHECK(parse_json_exact("{} {}").error().code == "spapi_malformed");
}

TEST_CASE("an empty transactions page with a nextToken is a page, not the end", "[spapi][finances]") {
  auto page = parse_list_transactions(R"({"payload":{"nextToken":"more","transactions":[]}})");
  REQUIRE(page.has_value());
  CHECK(page->transactions.empty());
  CHECK(page->next_token == std::optional<std::string>("more"));
}

TEST_CASE("malformed bodies are spapi_malformed", "[spapi]") {
  CHECK(parse_search_orders("[]").error().code == "spapi_malformed");
  CHECK(parse_search_orders(R"({"pagination":{}})").error().code == "spapi_malformed");
  CHECK(parse_search_orders(R"({"orders":[{"orderId":"1"}]})").error().code == "spapi_malformed");
  CHECK(parse_search_orders(
            R"({"orders":[{"orderId":"1","createdTime":"2024-01-01T00:00:00Z","lastUpdatedTime":"2024-01-01T00:00:00Z","salesChannel":{"channelName":"AMAZON"},"proceeds":{"grandTotal":{"amount":"1,5","currencyCode":"EUR"}}}]})")
            .error()
            .code == "spapi_malformed");
  CHECK(parse_get_order(R"({"orders":[]})").error().code == "spapi_malformed");
  CHECK(parse_list_transactions(R"({"transactions":[]})").error().code == "spapi_malformed");
  CHECK(parse_list_transactions(
            R"({"payload":{"transactions":[{"totalAmount":{"currencyCode":"USD","currencyAmount":"ten"}}]}})")
            .error()
            .code == "spapi_malformed");
}

TEST_CASE("postal codes are reduced to zones by a documented rule", "[spapi][pii]") {
  CHECK(shipping_zone("US", "98101") == ShippingZone{"US", "981"});
  CHECK(shipping_zone("US", "98101-1234") == ShippingZone{"US", "981"});
  CHECK(shipping_zone("CA", "K1A 0B1") == ShippingZone{"CA", "K1A"});
  CHECK(shipping_zone("GB", "SW1A 1AA") == ShippingZone{"GB", "SW1A"});
  CHECK(shipping_zone("GB", "m11ae") == ShippingZone{"GB", "M1"});
  CHECK(shipping_zone("JP", "150-0002") == ShippingZone{"JP", "150"});
  CHECK(shipping_zone("DE", "10115") == ShippingZone{"DE", "10"});
  CHECK(shipping_zone("BR", "01310-100") == ShippingZone{"BR", "01"});
  CHECK_FALSE(shipping_zone("US", "98").has_value());
  CHECK_FALSE(shipping_zone("", "98101").has_value());
  CHECK_FALSE(shipping_zone("DE", "").has_value());
}

TEST_CASE("searchOrders parameters are validated and encoded", "[spapi][orders]") {
  const Clock::time_point now = parse_iso8601("2025-01-10T12:00:00Z").value();
  SearchOrdersParams p;
  p.last_updated_after = parse_iso8601("2025-01-01T00:00:00Z").value();
  p.last_updated_before = latest_allowed_before(now);
  p.marketplace_ids = {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"};
  p.max_results_per_page = 50;
  p.included_data = {"PROCEEDS", "FULFILLMENT"};
  CHECK(search_orders_target(p, now).value() ==
        "/orders/2026-01-01/orders?lastUpdatedAfter=2025-01-01T00%3A00%3A00Z"
        "&lastUpdatedBefore=2025-01-10T11%3A58%3A00Z&marketplaceIds=ATVPDKIKX0DER,A2EUQ1WTGCTBG2"
        "&maxResultsPerPage=50&includedData=PROCEEDS,FULFILLMENT");

  SECTION("the next page repeats every parameter plus the token") {
    const std::string first = search_orders_target(p, now).value();
    p.pagination_token = "a+b/c=";
    CHECK(search_orders_target(p, now).value() == first + "&paginationToken=a%2Bb%2Fc%3D");
  }
  SECTION("before must be at least two minutes in the past") {
    p.last_updated_before = now - 119s;
    CHECK(search_orders_target(p, now).error().code == "invalid_argument");
  }
  SECTION("exactly one of createdAfter and lastUpdatedAfter") {
    p.created_after = p.last_updated_after;
    CHECK(search_orders_target(p, now).error().code == "invalid_argument");
    p.created_after.reset();
    p.last_updated_after.reset();
    CHECK(search_orders_target(p, now).error().code == "invalid_argument");
  }
  SECTION("limits") {
    p.max_results_per_page = 101;
    CHECK(search_orders_target(p, now).error().code == "invalid_argument");
    p.max_results_per_page = 0;
    CHECK(search_orders_target(p, now).error().code == "invalid_argument");
    p.max_results_per_page = 100;
    p.marketplace_ids.assign(51, "X");
    CHECK(search_orders_target(p, now).error().code == "invalid_argument");
    p.marketplace_ids = {"X"};
    p.included_data = {"EVERYTHING"};
    CHECK(search_orders_target(p, now).error().code == "invalid_argument");
  }
  CHECK(get_order_target("114-9876543-1234567", {"FULFILLMENT"}).value() ==
        "/orders/2026-01-01/orders/114-9876543-1234567?includedData=FULFILLMENT");
}

TEST_CASE("listTransactions parameters are validated and encoded", "[spapi][finances]") {
  const Clock::time_point now = parse_iso8601("2025-01-10T12:00:00Z").value();
  ListTransactionsParams p;
  p.posted_after = parse_iso8601("2024-12-01").value();
  p.marketplace_id = "ATVPDKIKX0DER";
  CHECK(list_transactions_target(p, now).value() ==
        "/finances/2024-06-19/transactions?postedAfter=2024-12-01T00%3A00%3A00Z&marketplaceId=ATVPDKIKX0DER");
  p.next_token = "tok";
  CHECK(list_transactions_target(p, now).value().ends_with("&nextToken=tok"));

  p.posted_after = now - 181 * 24h;
  CHECK(list_transactions_target(p, now).error().code == "invalid_argument");
  p.posted_before = p.posted_after + 180 * 24h;
  CHECK(list_transactions_target(p, now).has_value());
  p.posted_before = now - 1min;
  p.posted_after = now - 10 * 24h;
  CHECK(list_transactions_target(p, now).error().code == "invalid_argument");
}

TEST_CASE("ISO 8601 times round-trip and reject junk", "[spapi]") {
  CHECK(format_iso8601(parse_iso8601("2024-12-25T02:30:00Z").value()) == "2024-12-25T02:30:00Z");
  CHECK(format_iso8601(parse_iso8601("2024-12-25T02:30:00.5+01:00").value()) == "2024-12-25T01:30:00.500Z");
  CHECK(format_iso8601(parse_iso8601("2023-03-07").value()) == "2023-03-07T00:00:00Z");
  CHECK(parse_iso8601("2024-12-25T02:30:00").error().code == "spapi_malformed");
  CHECK(parse_iso8601("2024-13-01").error().code == "spapi_malformed");
  CHECK(parse_iso8601("TEST_CASE_400").error().code == "spapi_malformed");
  // Found by fuzzing: a year past 2262 overflowed the nanosecond clock.
  CHECK(parse_iso8601("9999-01-01T00:00:00Z").error().code == "spapi_malformed");
  CHECK(parse_iso8601("0001-01-01").error().code == "spapi_malformed");
  CHECK(parse_iso8601("2200-12-31T23:59:59Z").has_value());
  CHECK(is_decimal_text("0.10"));
  CHECK_FALSE(is_decimal_text("01"));
  CHECK_FALSE(is_decimal_text("1."));
  CHECK_FALSE(is_decimal_text(""));
}

TEST_CASE("error statuses map to distinct codes", "[spapi]") {
  const auto code = [](unsigned status, std::string_view body = "") {
    return error_from_response(ResponseMeta{status, "r", std::nullopt}, body).code;
  };
  CHECK(code(429, R"({"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota"}]})") ==
        "spapi_throttled");
  CHECK(code(403) == "spapi_unauthorized");
  CHECK(code(400) == "spapi_invalid_input");
  CHECK(code(404) == "spapi_not_found");
  CHECK(code(500) == "spapi_server_error");
  CHECK(code(503) == "spapi_server_error");
  CHECK(code(302) == "spapi_unexpected_status");
  const Error e = error_from_response(ResponseMeta{429, "abc", std::nullopt},
                                      R"({"errors":[{"code":"QuotaExceeded","message":"secret@example.com"}]})");
  CHECK(e.message == "HTTP 429 QuotaExceeded (request id abc)");
}
