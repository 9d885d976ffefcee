// Tests the health HTTP server over real loopback TCP: /healthz, /readyz with checks, /metrics,
// 404/405/400/431, keep-alive, header timeout, connection limit, ephemeral port, config errors.
#include "harness/catch_result.hpp"
#include "health/http_server.hpp"
#include "health/routes.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <thread>

using namespace blazed;
namespace asio = boost::asio;

namespace {

struct HealthFixture {
  asio::io_context io;
  metrics::Registry registry;
  health::Readiness readiness;
  config::HealthConfig cfg;
  health::HttpLimits limits;
  std::optional<health::HealthServer> server;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;

  HealthFixture() { cfg.port = 0; }
  Status start() {
    server.emplace(io.get_executor(), cfg, registry, readiness, limits);
    auto st = server->start();
    work.emplace(io.get_executor());
    thread = std::thread([this] { io.run(); });
    return st;
  }
  ~HealthFixture() {
    if (!thread.joinable()) return;
    asio::post(io, asio::use_future([this] { server->stop(); })).get();
    work.reset();
    thread.join();
  }
};

// A raw TCP client; reads are guarded so a broken server fails instead of hanging.
struct Client {
  int fd = -1;
  explicit Client(std::uint16_t port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Client() { ::close(fd); }
  void send(const std::string& s) const {
    REQUIRE(::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()));
  }
  // Everything until the server closes the connection.
  [[nodiscard]] std::string read_to_end() const {
    std::string out;
    char buf[4096];
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      REQUIRE(::poll(&p, 1, 20'000) == 1);
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
};

std::string get(std::uint16_t port, const std::string& target, const std::string& method = "GET") {
  Client c(port);
  c.send(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  return c.read_to_end();
}

// How many "200 OK" answers a connection's whole output holds.
std::size_t ok_answers(const std::string& all) {
  std::size_t count = 0;
  for (auto p = all.find("HTTP/1.1 200 OK"); p != std::string::npos; p = all.find("HTTP/1.1 200 OK", p + 1)) ++count;
  return count;
}

std::string body_of(const std::string& response) {
  auto p = response.find("\r\n\r\n");
  return p == std::string::npos ? std::string() : response.substr(p + 4);
}

}  // namespace

TEST_CASE("healthz answers from the loop, on an ephemeral port", "[unit]") {
  HealthFixture f;
  REQUIRE(f.start());
  REQUIRE(f.server->port() != 0);
  auto r = get(f.server->port(), "/healthz");
  CHECK(r.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(body_of(r) == "ok\n");
}

TEST_CASE("readyz is 200 only when every check passes and lists each check", "[unit]") {
  HealthFixture f;
  std::atomic<bool> pg_ok{false};
  f.readiness.add_readiness_check("redis", [] { return health::CheckResult{true, "connected"}; });
  f.readiness.add_readiness_check("postgres", [&] {
    return health::CheckResult{pg_ok.load(), pg_ok ? "" : "password for admin@example.com refused"};
  });
  f.readiness.add_readiness_check("thrower", []() -> health::CheckResult { throw std::runtime_error("x"); });
  REQUIRE(f.start());

  auto r = get(f.server->port(), "/readyz");
  CHECK(r.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
  CHECK(body_of(r) ==
        "not ready\n"
        "redis: ok (connected)\n"
        "postgres: fail (password for [redacted] refused)\n"
        "thrower: fail (check failed unexpectedly)\n");

  pg_ok = true;
  f.readiness.remove_readiness_check("thrower");
  r = get(f.server->port(), "/readyz?verbose=1");
  CHECK(r.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(body_of(r) == "ready\nredis: ok (connected)\npostgres: ok\n");
}

TEST_CASE("metrics serves the registry in text format and counts requests", "[unit]") {
  HealthFixture f;
  f.registry.gauge("blazed_test_gauge", "A test gauge.").get().set(42);
  REQUIRE(f.start());
  (void)get(f.server->port(), "/healthz");
  auto r = get(f.server->port(), "/metrics");
  CHECK(r.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(r.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
  auto body = body_of(r);
  CHECK(body.find("# TYPE blazed_test_gauge gauge\nblazed_test_gauge 42\n") != std::string::npos);
  CHECK(body.find("blazed_http_requests_total{path=\"/healthz\",code=\"200\"} 1\n") !=
        std::string::npos);
  CHECK(body.find("blazed_http_connections 1\n") != std::string::npos);
}

TEST_CASE("unknown paths 404, other methods 405, garbage 400, huge headers 431", "[unit]") {
  HealthFixture f;
  REQUIRE(f.start());
  auto port = f.server->port();
  CHECK(get(port, "/nope").starts_with("HTTP/1.1 404 Not Found\r\n"));
  auto post = get(port, "/healthz", "POST");
  CHECK(post.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
  CHECK(post.find("Allow: GET\r\n") != std::string::npos);
  CHECK(get(port, "/metrics", "DELETE").starts_with("HTTP/1.1 405"));
  {
    Client c(port);
    c.send("\x16\x03\x01 this is not http\r\n\r\n");
    CHECK(c.read_to_end().starts_with("HTTP/1.1 400 Bad Request\r\n"));
  }
  {
    Client c(port);
    c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
    CHECK(c.read_to_end().starts_with("HTTP/1.1 431"));
  }
  CHECK(get(port, "/healthz").starts_with("HTTP/1.1 200"));
}

TEST_CASE("keep-alive serves several requests on one connection", "[unit]") {
  HealthFixture f;
  REQUIRE(f.start());
  Client c(f.server->port());
  c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n"
         "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  CHECK(ok_answers(c.read_to_end()) == 3);
}

TEST_CASE("half a request then silence is closed after the header timeout", "[unit]") {
  HealthFixture f;
  f.limits.header_timeout = std::chrono::milliseconds(100);
  REQUIRE(f.start());
  Client c(f.server->port());
  c.send("GET /healthz HTTP/1.1\r\nHo");
  // Returns when the server closes on its timeout; no response was owed.
  CHECK(c.read_to_end().empty());
  CHECK(get(f.server->port(), "/healthz").starts_with("HTTP/1.1 200"));
}

TEST_CASE("connections beyond the limit are closed; held ones still work", "[unit]") {
  HealthFixture f;
  f.limits.max_connections = 2;
  REQUIRE(f.start());
  Client a(f.server->port());
  Client b(f.server->port());
  // Make sure both are accepted before the third arrives: each answers one keep-alive request.
  for (auto* c : {&a, &b}) {
    c->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    char buf[256];
    pollfd p{c->fd, POLLIN, 0};
    REQUIRE(::poll(&p, 1, 20'000) == 1);
    REQUIRE(::recv(c->fd, buf, sizeof buf, 0) > 0);
  }
  Client third(f.server->port());
  CHECK(third.read_to_end().empty());
  a.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  CHECK(a.read_to_end().starts_with("HTTP/1.1 200"));
}

TEST_CASE("a Host that is not a loopback name, the listen address or an allowed name gets 403", "[unit]") {
  HealthFixture f;
  f.cfg.allowed_hosts = {"metrics.internal"};
  REQUIRE(f.start());
  auto with_host = [&](const std::string& host) {
    Client c(f.server->port());
    c.send("GET /metrics HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    return c.read_to_end();
  };
  for (const std::string host : {"localhost", "LOCALHOST:9464", "127.0.0.1", "127.0.0.1:80", "[::1]:9464",
                                 "metrics.internal", "Metrics.Internal:1"}) {
    CAPTURE(host);
    CHECK(with_host(host).starts_with("HTTP/1.1 200"));
  }
  // A DNS-rebinding page: its own name, resolving to 127.0.0.1.
  for (const std::string host : {"evil.example", "evil.example:9464", "localhost.evil.example", "[::2]", "[::1"}) {
    CAPTURE(host);
    auto r = with_host(host);
    CHECK(r.starts_with("HTTP/1.1 403"));
    CHECK(r.find("blazed_") == std::string::npos);
  }
  CHECK(health::host_allowed("10.1.2.3:9464", "10.1.2.3", {}));
}

TEST_CASE("a keep-alive connection is closed after its request limit", "[unit]") {
  HealthFixture f;
  f.limits.max_requests_per_connection = 2;
  REQUIRE(f.start());
  Client c(f.server->port());
  c.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
         "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  // Two answers, the second saying close; the third request is never read.
  auto all = c.read_to_end();
  CHECK(ok_answers(all) == 2);
  CHECK(all.find("Connection: close") != std::string::npos);
}

TEST_CASE("a bad listen address or a taken port is an error; disabled does not listen", "[unit]") {
  {
    HealthFixture f;
    f.cfg.listen = "localhost-ish";
    auto st = f.start();
    REQUIRE_FALSE(st);
    CHECK(st.error().code == "bad_config");
  }
  {
    HealthFixture first;
    REQUIRE(first.start());
    HealthFixture second;
    second.cfg.port = first.server->port();
    auto st = second.start();
    REQUIRE_FALSE(st);
    CHECK(st.error().code == "bind");
  }
  {
    HealthFixture f;
    f.cfg.enabled = false;
    REQUIRE(f.start());
    CHECK(f.server->port() == 0);
  }
}
