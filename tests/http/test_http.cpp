// Tests the HTTPS client against a real local Beast HTTPS server with its own CA.
// Note: never co_await inside a Catch macro; g++ 12 evaluates it more than once there.
#include "harness/https_test_server.hpp"
#include "harness/run_coro.hpp"
#include "harness/temp_dir.hpp"
#include "harness/test_pki.hpp"
#include "http/client.hpp"
#include "http/url.hpp"
#include "http/user_agent.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/use_awaitable.hpp>

using namespace blazed;
using namespace blazed::testing;
namespace asio = boost::asio;
using asio::awaitable;

namespace {

const std::string kUserAgent = "blazed-test/0.1 (Language=C++; Platform=Linux)";

struct Fixture {
  TempDir dir{"blazed-http"};
  TestPki pki = make_test_pki(dir.path(), "good", {"localhost"}, {});
  asio::io_context io;

  http::ClientOptions options() const {
    http::ClientOptions o;
    o.ca_file = pki.ca_cert.string();
    o.user_agent = kUserAgent;
    return o;
  }
  std::unique_ptr<http::Client> client(http::ClientOptions o) {
    return http::Client::create(io.get_executor(), std::move(o)).value();
  }
  static http::Request get(std::uint16_t port, const std::string& path) {
    http::Request r;
    r.url = "https://localhost:" + std::to_string(port) + path;
    return r;
  }
};

TestResponse ok(std::string body) {
  TestResponse r;
  r.body = std::move(body);
  r.headers = {{"x-amzn-RequestId", "req-1"}};
  return r;
}

}  // namespace

TEST_CASE("user agent follows Amazon's format and bounds", "[http]") {
  CHECK(http::make_user_agent("SellerBlaze", "1.2.3").value() ==
        "SellerBlaze/1.2.3 (Language=C++; Platform=Linux)");
  CHECK(http::make_user_agent("Seller Blaze", "1").error().code == "bad_config");
  CHECK(http::make_user_agent("a/b", "1").error().code == "bad_config");
  CHECK(http::make_user_agent("", "1").error().code == "bad_config");
  CHECK(http::make_user_agent(std::string(480, 'a'), "1.0").error().code == "bad_config");
  CHECK(http::make_user_agent(std::string(460, 'a'), "1.0").value().size() <= 500);
}

TEST_CASE("URLs are parsed into origin and target", "[http]") {
  auto u = http::parse_url("https://sellingpartnerapi-na.amazon.com/orders/2026-01-01/orders?a=1").value();
  CHECK(u.tls);
  CHECK(u.host == "sellingpartnerapi-na.amazon.com");
  CHECK(u.port == 443);
  CHECK(u.target == "/orders/2026-01-01/orders?a=1");
  CHECK(u.origin() == "https://sellingpartnerapi-na.amazon.com:443");
  auto p = http::parse_url("http://127.0.0.1:8080").value();
  CHECK_FALSE(p.tls);
  CHECK(p.target == "/");
  CHECK(p.host_is_ip());
  CHECK(http::parse_url("ftp://x/").error().code == "http_bad_url");
  CHECK(http::parse_url("not a url").error().code == "http_bad_url");
}

TEST_CASE("a verified HTTPS request carries user agent, host and secret headers", "[http]") {
  Fixture f;
  TestRequest seen;
  HttpsTestServer server(f.io, f.pki, [&](const TestRequest& r) {
    seen = r;
    return ok("hello");
  });
  auto client = f.client(f.options());
  run_coro(f.io, [&]() -> awaitable<void> {
    auto req = Fixture::get(server.port(), "/x?y=1");
    req.secret_headers.emplace_back("x-amz-access-token", Secret("Atza|canary-token"));
    auto res = co_await client->request(std::move(req));
    REQUIRE(res.has_value());
    CHECK(res->status == 200);
    CHECK(res->body == "hello");
    CHECK(res->header("X-AMZN-REQUESTID") == std::optional<std::string_view>("req-1"));
    CHECK_FALSE(res->header("x-missing").has_value());
  }());
  CHECK(seen.method == "GET");
  CHECK(seen.target == "/x?y=1");
  CHECK(seen.headers["user-agent"] == kUserAgent);
  CHECK(seen.headers["host"] == "localhost:" + std::to_string(server.port()));
  CHECK(seen.headers["x-amz-access-token"] == "Atza|canary-token");
  CHECK(seen.sni == "localhost");
}

TEST_CASE("keep-alive connections are reused per origin", "[http]") {
  Fixture f;
  HttpsTestServer server(f.io, f.pki, [](const TestRequest&) { return ok("x"); });
  auto client = f.client(f.options());
  run_coro(f.io, [&]() -> awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      auto res = co_await client->request(Fixture::get(server.port(), "/r"));
      REQUIRE(res.has_value());
    }
  }());
  CHECK(server.requests() == 3);
  CHECK(server.accepts() == 1);
  CHECK(client->connections_opened() == 1);
}

TEST_CASE("a pooled connection the server closed is replaced transparently", "[http]") {
  Fixture f;
  HttpsTestServer server(f.io, f.pki, [](const TestRequest&) { return ok("x"); });
  auto client = f.client(f.options());
  run_coro(f.io, [&]() -> awaitable<void> {
    auto first = co_await client->request(Fixture::get(server.port(), "/a"));
    REQUIRE(first.has_value());
    server.drop_connections();
    auto res = co_await client->request(Fixture::get(server.port(), "/b"));
    REQUIRE(res.has_value());
    CHECK(res->body == "x");
  }());
  CHECK(server.accepts() == 2);
  CHECK(server.requests() == 2);
}

TEST_CASE("Connection: close is honoured (no reuse)", "[http]") {
  Fixture f;
  HttpsTestServer server(f.io, f.pki, [](const TestRequest&) {
    auto r = ok("x");
    r.close_after = true;
    return r;
  });
  auto client = f.client(f.options());
  run_coro(f.io, [&]() -> awaitable<void> {
    auto first = co_await client->request(Fixture::get(server.port(), "/a"));
    REQUIRE(first.has_value());
    auto second = co_await client->request(Fixture::get(server.port(), "/b"));
    REQUIRE(second.has_value());
  }());
  CHECK(client->connections_opened() == 2);
  CHECK(server.requests() == 2);
  CHECK(server.accepts() == 2);
}

TEST_CASE("TLS verification fails against a wrong CA", "[http]") {
  Fixture f;
  TestPki other = make_test_pki(f.dir.path(), "other", {"localhost"}, {});
  HttpsTestServer server(f.io, f.pki, [](const TestRequest&) { return ok("x"); });
  auto opts = f.options();
  opts.ca_file = other.ca_cert.string();
  auto client = f.client(opts);
  run_coro(f.io, [&]() -> awaitable<void> {
    auto res = co_await client->request(Fixture::get(server.port(), "/"));
    REQUIRE(res.has_error());
    CHECK(res.error().code == "tls_verify_failed");
  }());
  CHECK(server.requests() == 0);
}

TEST_CASE("TLS verification fails against a wrong host name", "[http]") {
  Fixture f;  // the certificate names only "localhost"
  HttpsTestServer server(f.io, f.pki, [](const TestRequest&) { return ok("x"); });
  auto client = f.client(f.options());
  run_coro(f.io, [&]() -> awaitable<void> {
    http::Request req;
    req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
    auto res = co_await client->request(std::move(req));
    REQUIRE(res.has_error());
    CHECK(res.error().code == "tls_verify_failed");
  }());
  CHECK(server.requests() == 0);
}

TEST_CASE("an IP literal is verified against the certificate's IP addresses", "[http]") {
  Fixture f;
  TestPki ip_pki = make_test_pki(f.dir.path(), "ip", {}, {"127.0.0.1"});
  std::vector<TestRequest> seen;
  HttpsTestServer server(f.io, ip_pki, [&](const TestRequest& r) {
    seen.push_back(r);
    return ok("ip");
  });
  auto opts = f.options();
  opts.ca_file = ip_pki.ca_cert.string();
  auto client = f.client(opts);
  run_coro(f.io, [&]() -> awaitable<void> {
    http::Request req;
    req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
    auto res = co_await client->request(std::move(req));
    REQUIRE(res.has_value());
    CHECK(res->body == "ip");
  }());
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].sni.empty());  // RFC 6066: no SNI for IP literals
}

TEST_CASE("a peer that never completes the TCP handshake hits the connect timeout", "[http]") {
  Fixture f;
  // A listener that never accepts, with its accept queue filled: the kernel drops further SYNs.
  asio::ip::tcp::acceptor full(f.io);
  const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  full.open(ep.protocol());
  full.bind(ep);
  full.listen(0);
  const auto port = full.local_endpoint().port();
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> fillers;
  for (int i = 0; i < 2; ++i) {
    auto s = std::make_unique<asio::ip::tcp::socket>(f.io);
    // Asio issues connect() at initiation; whether it completes does not matter.
    s->async_connect({asio::ip::make_address("127.0.0.1"), port}, [](boost::system::error_code) {});
    fillers.push_back(std::move(s));
  }
  auto opts = f.options();
  opts.connect_timeout = std::chrono::milliseconds(200);
  auto client = f.client(opts);
  run_coro(f.io, [&]() -> awaitable<void> {
    http::Request req;
    req.url = "https://localhost:" + std::to_string(port) + "/";
    auto res = co_await client->request(std::move(req));
    REQUIRE(res.has_error());
    CHECK(res.error().code == "http_timeout");
    CHECK(res.error().message == "connect timed out");
  }());
}

TEST_CASE("a server that never answers hits the read or the total timeout", "[http]") {
  using std::chrono::milliseconds;
  // (read timeout, total timeout): either one alone must end the wait.
  const auto [read, total] = GENERATE(std::pair<milliseconds, milliseconds>{milliseconds(100), std::chrono::hours(1)},
                                      std::pair<milliseconds, milliseconds>{std::chrono::hours(1), milliseconds(150)});
  Fixture f;
  HttpsTestServer server(f.io, f.pki, [](const TestRequest&) {
    TestResponse r;
    r.hang = true;
    return r;
  });
  auto opts = f.options();
  opts.read_timeout = read;
  opts.total_timeout = total;
  auto client = f.client(opts);
  run_coro(f.io, [&]() -> awaitable<void> {
    auto res = co_await client->request(Fixture::get(server.port(), "/"));
    REQUIRE(res.has_error());
    CHECK(res.error().code == "http_timeout");
  }());
  CHECK(server.requests() == 1);
}

TEST_CASE("oversized responses are refused", "[http]") {
  Fixture f;
  const bool chunked = GENERATE(false, true);
  HttpsTestServer server(f.io, f.pki, [&](const TestRequest& r) {
    TestResponse res = ok(std::string(r.target == "/big" ? 5000 : 1000, 'z'));
    res.chunked = chunked;
    return res;
  });
  auto opts = f.options();
  opts.max_response_bytes = 1000;
  auto client = f.client(opts);
  run_coro(f.io, [&]() -> awaitable<void> {
    auto fits = co_await client->request(Fixture::get(server.port(), "/fits"));
    REQUIRE(fits.has_value());
    CHECK(fits->body.size() == 1000);
    auto big = co_await client->request(Fixture::get(server.port(), "/big"));
    REQUIRE(big.has_error());
    CHECK(big.error().code == "http_too_large");
  }());
}

TEST_CASE("plain http only when explicitly allowed", "[http]") {
  Fixture f;
  HttpsTestServer server(f.io, std::nullopt, [](const TestRequest&) { return ok("plain"); });
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  auto strict = f.client(f.options());
  auto opts = f.options();
  opts.allow_plain_http = true;
  auto lax = f.client(opts);
  run_coro(f.io, [&]() -> awaitable<void> {
    http::Request a;
    a.url = url;
    auto refused = co_await strict->request(std::move(a));
    REQUIRE(refused.has_error());
    CHECK(refused.error().code == "http_plain_refused");
    http::Request b;
    b.url = url;
    auto allowed = co_await lax->request(std::move(b));
    REQUIRE(allowed.has_value());
    CHECK(allowed->body == "plain");
  }());
  CHECK(server.requests() == 1);
}

TEST_CASE("connection refused is a value, not an exception", "[http]") {
  Fixture f;
  std::uint16_t port = 0;
  {  // a port that was free a moment ago and has no listener now
    asio::ip::tcp::acceptor probe(f.io, {asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  auto client = f.client(f.options());
  run_coro(f.io, [&]() -> awaitable<void> {
    auto res = co_await client->request(Fixture::get(port, "/"));
    REQUIRE(res.has_error());
    CHECK(res.error().code == "http_connect_failed");
  }());
}

TEST_CASE("a missing CA file is a configuration error", "[http]") {
  Fixture f;
  auto opts = f.options();
  opts.ca_file = (f.dir / "absent.pem").string();
  auto client = http::Client::create(f.io.get_executor(), opts);
  REQUIRE(client.has_error());
  CHECK(client.error().code == "bad_config");
}
