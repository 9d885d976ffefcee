// Tests the C++ harness SpapiServer: start-up, CA-verified HTTPS, LWA, SP-API headers, the
// sandbox cases from /_admin/fixtures, 403/429 as the C++ clients will see them, clean stop.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "harness/spapi_server.hpp"

using blazed::testing::SpapiServer;

namespace {

const char* kConfig = R"({"sellers":[
  {"sellerId":"S1","refreshToken":"Atzr|s1","orders":120,"transactions":30,
   "plans":{"searchOrders":{"rate":0.001,"burst":2}}},
  {"sellerId":"SB","refreshToken":"Atzr|sb","sandbox":true}]})";

}  // namespace

TEST_CASE("SpapiServer starts, exchanges a token, serves orders, stops cleanly", "[spapi]") {
  SpapiServer server(kConfig);
  REQUIRE(server.port() > 0);
  REQUIRE(std::filesystem::exists(server.ca_file()));

  auto token = server.access_token("Atzr|s1");
  CHECK(token.rfind("Atza|", 0) == 0);
  std::map<std::string, std::string> auth{{"x-amz-access-token", token}};
  const std::string search = "/orders/2026-01-01/orders?lastUpdatedAfter=2000-01-01T00:00:00Z";

  auto page = server.request("GET", search + "&maxResultsPerPage=100", {}, auth);
  REQUIRE(page.status == 200);
  CHECK(page.headers.at("x-amzn-ratelimit-limit") == "0.001");
  CHECK(page.headers.at("x-amzn-requestid").size() == 36);
  auto body = boost::json::parse(page.body).as_object();
  CHECK(body.at("orders").as_array().size() == 100);
  CHECK(body.contains("pagination"));

  // Burst 2: the third call is throttled, and the admin counters agree.
  CHECK(server.request("GET", search, {}, auth).status == 200);
  auto throttled = server.request("GET", search, {}, auth);
  CHECK(throttled.status == 429);
  CHECK(throttled.headers.count("retry-after") == 0);
  auto stats = boost::json::parse(server.admin("GET", "/stats").body);
  CHECK(stats.at("sellers").at("S1").at("searchOrders").at("429").to_number<int>() == 1);

  REQUIRE(server.admin("POST", "/sellers/S1/expire-tokens").status == 200);
  CHECK(server.request("GET", search, {}, auth).status == 403);

  CHECK(server.stop() == std::optional<int>(0));
}

TEST_CASE("SpapiServer serves every sandbox case listed by /_admin/fixtures", "[spapi]") {
  SpapiServer server(kConfig);
  std::map<std::string, std::string> auth{{"x-amz-access-token", server.access_token("Atzr|sb")}};
  auto fixtures = boost::json::parse(server.admin("GET", "/fixtures").body).as_array();
  REQUIRE(fixtures.size() == 10);
  for (const auto& f : fixtures) {
    const auto& c = f.as_object();
    std::string target(c.at("target").as_string());
    INFO(target);
    auto reply = server.request("GET", target, {}, auth);
    CHECK(reply.status == c.at("status").to_number<int>());
    CHECK(boost::json::parse(reply.body) == c.at("response"));
  }
}
