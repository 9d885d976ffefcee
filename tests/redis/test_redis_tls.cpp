// Tests RedisClient's transports against a real redis-server: rediss:// with a CA file, SNI and
// host-name verification, a required client certificate, refusals with clear errors; and host
// names resolved without blocking the loop.
#include "harness/free_port.hpp"
#include "harness/redis_printers.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_coro.hpp"
#include "harness/temp_dir.hpp"
#include "harness/test_pki.hpp"
#include "redis/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <chrono>

using namespace blazed;
using namespace blazed::redis;
using blazed::testing::RedisServer;
using blazed::testing::run_coro;
using blazed::testing::run_until;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// A redis-server that speaks TLS only, with a certificate for localhost and `ips`.
struct TlsRedis {
  testing::TempDir dir{"blazed-redis-tls"};
  testing::TestPki pki;
  std::uint16_t tls_port = testing::free_port();
  RedisServer server;

  explicit TlsRedis(bool require_client_cert,
                    const std::vector<std::string>& ips = {"127.0.0.1"})
      : pki(testing::make_test_pki(dir.path(), "redis", {"localhost"}, ips)),
        server({"--port", "0", "--tls-port", std::to_string(tls_port), "--tls-cert-file",
                pki.server_cert.string(), "--tls-key-file", pki.server_key.string(),
                "--tls-ca-cert-file", pki.ca_cert.string(), "--tls-auth-clients",
                require_client_cert ? "yes" : "no"}) {}

  [[nodiscard]] config::RedisConfig config(const std::string& host = "localhost") const {
    config::RedisConfig c = server.config();
    c.url = "rediss://" + host + ":" + std::to_string(tls_port) + "/0";
    c.tls_ca_file = pki.ca_cert.string();
    return c;
  }
};

// Runs the loop until the client is connected or has failed a connect attempt.
void settle(asio::io_context& io, const RedisClient& client) {
  REQUIRE(run_until(io, [&] { return client.connected() || client.last_connect_error(); }));
}

// Connects once with `cfg` and returns the refusal; fails the test if the client got in.
Error refused_connect(const config::RedisConfig& cfg) {
  asio::io_context io;
  RedisClient client(io.get_executor(), cfg);
  client.start();
  settle(io, client);
  CHECK_FALSE(client.connected());
  REQUIRE(client.last_connect_error());
  return *client.last_connect_error();
}

}  // namespace

TEST_CASE("parse_url reads rediss and sentinel URLs", "[unit]") {
  auto a = parse_url("rediss://app@redis.example.com:6380/2");
  REQUIRE(a);
  CHECK(a->tls);
  CHECK(a->host == "redis.example.com");
  CHECK(a->port == 6380);
  CHECK(a->user == "app");
  CHECK(a->db == 2);
  CHECK_FALSE(parse_url("redis://10.0.0.5:6379")->tls);
  auto v6 = parse_url("redis://[::1]:7000");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 7000);
  auto s = parse_url("redis+sentinel://s1:26380,10.0.0.2,[::1]:26381/mymaster/3");
  REQUIRE(s);
  CHECK_FALSE(s->tls);
  REQUIRE(s->sentinels.size() == 3);
  CHECK(s->sentinels[0] == HostPort{"s1", 26380});
  CHECK(s->sentinels[1] == HostPort{"10.0.0.2", 26379});
  CHECK(s->sentinels[2] == HostPort{"::1", 26381});
  CHECK(s->master_name == "mymaster");
  CHECK(s->db == 3);
  CHECK(s->describe() == "mymaster@s1:26380,10.0.0.2:26379,[::1]:26381");
  CHECK(parse_url("rediss+sentinel://s1/m")->tls);
  CHECK(parse_url("redis+sentinel://s1:26379").error().code == "bad_config");
  CHECK(parse_url("redis+sentinel://s1:26379,/m").error().code == "bad_config");
  CHECK(parse_url("rediss://h:0").error().code == "bad_config");
  CHECK(parse_url("redis://[::1").error().code == "bad_config");
}

TEST_CASE("redis.tls_* needs rediss://, and a client certificate needs its key", "[unit]") {
  asio::io_context io;
  config::RedisConfig c;
  c.tls_ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH(RedisClient(io.get_executor(), c), Catch::Contains("rediss://"));
  c.url = "rediss://localhost:6380/0";
  CHECK_THROWS_WITH(RedisClient(io.get_executor(), c), Catch::Contains("redis.tls_ca_file"));
  c.tls_ca_file.clear();
  c.tls_cert_file = "/nonexistent/client.pem";
  CHECK_THROWS_WITH(RedisClient(io.get_executor(), c), Catch::Contains("go together"));
}

TEST_CASE("rediss:// with the server's CA works, by name and by IP", "[redis]") {
  TlsRedis redis(false);
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    CAPTURE(host);
    asio::io_context io;
    RedisClient client(io.get_executor(), redis.config(host));
    client.start();
    REQUIRE(run_coro(io, client.wait_connected(10s)));
    auto set = run_coro(io, client.command({"SET", "tls-key", "v"}));
    REQUIRE(set);
    CHECK(set->is_status("OK"));
    auto replies = run_coro(io, client.pipeline({{"GET", "tls-key"}, {"INCR", "tls-n"}}));
    REQUIRE(replies);
    CHECK((*replies)[0] == Reply::string("v"));
    CHECK((*replies)[1].is_integer());
  }
}

TEST_CASE("rediss:// refuses a server certificate from another CA, with a clear error",
          "[redis]") {
  TlsRedis redis(false);
  testing::TempDir other_dir{"blazed-other-ca"};
  auto other = testing::make_test_pki(other_dir.path(), "other", {"localhost"}, {});
  auto cfg = redis.config();
  cfg.tls_ca_file = other.ca_cert.string();
  const Error refusal = refused_connect(cfg);
  CHECK(refusal.code == "tls_verify_failed");
  CHECK_THAT(refusal.message, Catch::Contains("certificate rejected"));
}

TEST_CASE("rediss:// refuses a certificate that does not name the host", "[redis]") {
  TlsRedis redis(false, {});  // names localhost only
  CHECK(refused_connect(redis.config("127.0.0.1")).code == "tls_verify_failed");
}

TEST_CASE("a server that requires client certificates accepts ours, and refuses none",
          "[redis]") {
  TlsRedis redis(true);
  SECTION("with the certificate") {
    auto cfg = redis.config();
    cfg.tls_cert_file = redis.pki.client_cert.string();
    cfg.tls_key_file = redis.pki.client_key.string();
    asio::io_context io;
    RedisClient client(io.get_executor(), cfg);
    client.start();
    REQUIRE(run_coro(io, client.wait_connected(10s)));
    auto pong = run_coro(io, client.command({"PING"}));
    REQUIRE(pong);
    CHECK(pong->is_status("PONG"));
  }
  SECTION("without one") {
    asio::io_context io;
    RedisClient client(io.get_executor(), redis.config());
    client.start();
    settle(io, client);
    CHECK_FALSE(client.connected());
    REQUIRE(client.last_connect_error());
    // TLS 1.3: the server refuses after the client finished its handshake, so the refusal (an
    // alert) arrives with the first reply.
    CHECK_THAT(client.last_connect_error()->message, Catch::Contains("certificate"));
  }
}

TEST_CASE("a TLS link that drops is re-established", "[redis]") {
  TlsRedis redis(false);
  asio::io_context io;
  RedisClient client(io.get_executor(), redis.config());
  int downs = 0;
  client.on_state_change([&](bool up) { downs += up ? 0 : 1; });
  client.start();
  REQUIRE(run_coro(io, client.wait_connected(10s)));
  redis.server.restart();
  REQUIRE(run_until(io, [&] { return downs > 0; }));
  REQUIRE(run_coro(io, client.wait_connected(30s)));
  auto pong = run_coro(io, client.command({"PING"}));
  REQUIRE(pong);
  CHECK(client.stats().reconnects == 1);
}

TEST_CASE("a host name is resolved while the loop keeps running", "[redis]") {
  RedisServer server;
  auto cfg = server.config();
  cfg.url = "redis://localhost:" + std::to_string(server.port()) + "/0";
  asio::io_context io;
  RedisClient client(io.get_executor(), cfg);
  // A heartbeat on the same loop: each beat is one more turn of the loop. Resolving and
  // connecting never hold the loop, so beats happen while the client is still connecting.
  int beats_before_connected = 0;
  bool up = false;
  client.on_state_change([&](bool connected) { up = up || connected; });
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (!up) {
          ++beats_before_connected;
          co_await asio::post(io, asio::use_awaitable);
        }
      },
      asio::detached);
  client.start();
  REQUIRE(run_until(io, [&] { return up; }));
  CHECK(beats_before_connected > 1);
  auto pong = run_coro(io, client.command({"PING"}));
  REQUIRE(pong);
  CHECK(pong->is_status("PONG"));
}

TEST_CASE("a name that does not resolve fails the attempt as a value, the loop still running",
          "[redis]") {
  config::RedisConfig cfg;
  cfg.url = "redis://blazed-no-such-host.invalid:6379/0";
  cfg.connect_timeout = 30s;  // the resolver's own answer comes first
  asio::io_context io;
  RedisClient client(io.get_executor(), cfg);
  int beats = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (!client.last_connect_error()) {
          ++beats;
          co_await asio::post(io, asio::use_awaitable);
        }
      },
      asio::detached);
  client.start();
  REQUIRE(run_until(io, [&] { return client.last_connect_error().has_value(); }));
  CHECK(beats > 1);
  CHECK_FALSE(client.connected());
  CHECK(client.last_connect_error()->code == "redis_unavailable");
  CHECK_THAT(client.last_connect_error()->message, Catch::Contains("resolve"));
}
