// Tests RedisClient on redis+sentinel:// against real servers: a master, its replica and one
// sentinel; the client finds the master, and follows it after SENTINEL FAILOVER and after the
// master is killed.
#include "harness/eventually.hpp"
#include "harness/redis_printers.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_coro.hpp"
#include "redis/client.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>

using namespace blazed;
using namespace blazed::redis;
using blazed::testing::eventually;
using blazed::testing::RedisServer;
using blazed::testing::run_coro;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// A client of its own loop for talking to one server or sentinel from the test.
struct Direct {
  asio::io_context io;
  RedisClient client;

  explicit Direct(const RedisServer& server) : client(io.get_executor(), server.config()) {
    client.start();
    REQUIRE(run_coro(io, client.wait_connected(10s)));
  }

  Result<Reply> cmd(Args a) { return run_coro(io, client.command(std::move(a))); }
};

struct Topology {
  RedisServer master;
  RedisServer replica{{"--replicaof", "127.0.0.1", std::to_string(master.port())}};
  std::unique_ptr<RedisServer> sentinel;

  Topology() {
    Direct r(replica);
    REQUIRE(eventually([&] {
      auto info = r.cmd({"INFO", "replication"});
      return info && info->str().find("master_link_status:up") != std::string::npos;
    }));
    sentinel = std::make_unique<RedisServer>(
        testing::SentinelOf{.master_port = master.port(), .master_name = "blazed", .down_after = 1'000ms});
    // The sentinel learns of the replica from the master's INFO.
    Direct s(*sentinel);
    REQUIRE(eventually([&] {
      auto replicas = s.cmd({"SENTINEL", "REPLICAS", "blazed"});
      return replicas && replicas->size() == 1;
    }));
  }

  [[nodiscard]] config::RedisConfig config() const {
    config::RedisConfig c = master.config();
    c.url = "redis+sentinel://127.0.0.1:" + std::to_string(sentinel->port()) + "/blazed";
    return c;
  }
};

struct Client {
  asio::io_context io;
  RedisClient client;

  explicit Client(const config::RedisConfig& cfg) : client(io.get_executor(), cfg) {
    client.start();
    REQUIRE(run_coro(io, client.wait_connected(30s)));
  }

  Result<Reply> cmd(Args a) { return run_coro(io, client.command(std::move(a))); }

  // The port of the server this client is on now, when it takes writes.
  std::optional<std::uint16_t> writable_port() {
    auto set = cmd({"SET", "sentinel-probe", "1"});
    if (!set || !set->is_status("OK")) return std::nullopt;
    auto port = cmd({"CONFIG", "GET", "port"});
    if (!port || port->size() != 2) return std::nullopt;
    auto n = (*port)[1].to_int();
    return n ? std::optional<std::uint16_t>(static_cast<std::uint16_t>(*n)) : std::nullopt;
  }
};

}  // namespace

TEST_CASE("sentinel: the client finds the master and follows a SENTINEL FAILOVER", "[redis]") {
  Topology t;
  Client c(t.config());
  REQUIRE(c.writable_port() == t.master.port());
  CHECK(c.client.endpoint().describe() ==
        "blazed@127.0.0.1:" + std::to_string(t.sentinel->port()));

  Direct s(*t.sentinel);
  // Refused while the sentinel still sees the replica as not ready: asked again until accepted.
  REQUIRE(eventually([&] {
    auto r = s.cmd({"SENTINEL", "FAILOVER", "blazed"});
    return r && r->is_status("OK");
  }));
  REQUIRE(eventually([&] { return c.writable_port() == t.replica.port(); }));
  CHECK(c.client.stats().reconnects >= 1);
}

TEST_CASE("sentinel: the client follows the master after the master is killed", "[redis]") {
  Topology t;
  Client c(t.config());
  REQUIRE(c.writable_port() == t.master.port());
  t.master.stop();
  REQUIRE(eventually([&] { return c.writable_port() == t.replica.port(); }));
}

TEST_CASE("sentinel: an unknown master name is a clear error", "[redis]") {
  Topology t;
  auto cfg = t.config();
  cfg.url = "redis+sentinel://127.0.0.1:" + std::to_string(t.sentinel->port()) + "/nosuch";
  asio::io_context io;
  RedisClient client(io.get_executor(), cfg);
  client.start();
  REQUIRE(testing::run_until(io, [&] { return client.last_connect_error().has_value(); }));
  CHECK(client.last_connect_error()->code == "redis_no_master");
  CHECK_THAT(client.last_connect_error()->message, Catch::Contains("does not know master 'nosuch'"));
}
