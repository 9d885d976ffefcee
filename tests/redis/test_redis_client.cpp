// Tests RedisClient against a real redis-server: replies, pipelining order, scripts, timeouts,
// reconnect after a crash and a restart, AUTH with an ACL user, reading the server's settings.
#include "harness/redis_printers.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_coro.hpp"
#include "redis/client.hpp"
#include "redis/server_settings.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <chrono>

using namespace blazed;
using namespace blazed::redis;
using blazed::testing::RedisServer;
using blazed::testing::run_coro;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

struct Fixture {
  RedisServer server;
  asio::io_context io;
  RedisClient client;

  int downs = 0;  // connection losses seen by `client`

  explicit Fixture(std::chrono::milliseconds command_timeout = 5s)
      : client(io.get_executor(), with_timeout(server.config(), command_timeout)) {
    client.on_state_change([this](bool up) { downs += up ? 0 : 1; });
    client.start();
    REQUIRE(run_coro(io, client.wait_connected(10s)));
  }

  static config::RedisConfig with_timeout(config::RedisConfig c, std::chrono::milliseconds t) {
    c.command_timeout = t;
    return c;
  }

  Result<Reply> cmd(Args a) { return run_coro(io, client.command(std::move(a))); }

  // Runs the loop until the client has reported a lost connection (the real event, no polling).
  void wait_down() {
    while (downs == 0) io.run_one();
  }
};

}  // namespace

TEST_CASE("parse_url accepts tcp and unix forms and rejects passwords in the URL", "[unit]") {
  auto a = parse_url("redis://app@10.0.0.5:6380/3");
  REQUIRE(a);
  CHECK(a->host == "10.0.0.5");
  CHECK(a->port == 6380);
  CHECK(a->user == "app");
  CHECK(a->db == 3);
  auto b = parse_url("unix:///run/redis/redis.sock?db=2");
  REQUIRE(b);
  CHECK(b->unix_path == "/run/redis/redis.sock");
  CHECK(b->db == 2);
  auto c = parse_url("redis://localhost");
  REQUIRE(c);
  CHECK(c->port == 6379);
  CHECK(c->db == 0);
  CHECK(parse_url("redis://u:hunter2@h:1/0").error().code == "bad_config");
  CHECK(parse_url("http://h:1").error().code == "bad_config");
  CHECK(parse_url("redis://h:99999").error().code == "bad_config");
  CHECK(parse_url("unix://relative.sock").error().code == "bad_config");
}

TEST_CASE("every reply type converts", "[redis]") {
  Fixture f;
  auto ok = f.cmd({"SET", "k", "v"});
  REQUIRE(ok);
  CHECK(ok->is_status("OK"));
  auto s = f.cmd({"GET", "k"});
  REQUIRE(s);
  CHECK(s->is_string());
  CHECK(s->str() == "v");
  CHECK(f.cmd({"GET", "missing"})->is_nil());
  auto n = f.cmd(Args{"INCRBY", "n"}.add(41));
  CHECK(n->is_integer());
  CHECK(n->as_integer() == 41);
  auto arr = f.cmd({"MGET", "k", "missing", "n"});
  REQUIRE(arr->is_array());
  REQUIRE(arr->size() == 3);
  CHECK((*arr)[0].str() == "v");
  CHECK((*arr)[1].is_nil());
  CHECK((*arr)[2].to_int() == 41);
  CHECK((*arr)[7].is_nil());
  auto err = f.cmd({"LPUSH", "k", "x"});
  REQUIRE(err);  // an error reply is a reply, not a transport failure
  CHECK(err->is_error());
  CHECK(err->str().starts_with("WRONGTYPE"));
  CHECK(checked(err).error().code == "redis_error");
  // Binary-safe arguments and values.
  std::string bin("a\0b\r\n", 5);
  REQUIRE(f.cmd({"SET", "bin", bin}));
  CHECK(f.cmd({"GET", "bin"})->str() == bin);
}

TEST_CASE("commands from many coroutines pipeline and are answered in order", "[redis]") {
  Fixture f;
  auto r = run_coro(f.io, f.client.pipeline({{"DEL", "list"},
                                               {"RPUSH", "list", "a"},
                                               {"RPUSH", "list", "b"},
                                               {"LRANGE", "list", "0", "-1"}}));
  REQUIRE(r);
  REQUIRE(r->size() == 4);
  CHECK((*r)[2].as_integer() == 2);
  CHECK((*r)[3].size() == 2);

  // 500 concurrent INCRs: each coroutine sees a distinct value, and the values are 1..500 in the
  // order the commands were issued.
  constexpr int n = 500;
  std::vector<std::int64_t> seen(n, -1);
  int done = 0;
  for (int i = 0; i < n; ++i) {
    asio::co_spawn(
        f.io,
        [&, i]() -> asio::awaitable<void> {
          Args incr{"INCR", "counter"};  // (g++ 12: no braced lists inside co_await)
          auto v = co_await f.client.command(std::move(incr));
          seen[static_cast<std::size_t>(i)] = v ? v->as_integer() : -1;
          ++done;
        },
        asio::detached);
  }
  while (done < n) f.io.run_one();
  for (int i = 0; i < n; ++i) CHECK(seen[static_cast<std::size_t>(i)] == i + 1);
  CHECK(f.client.stats().commands >= n + 4);
}

TEST_CASE("EVALSHA falls back to EVAL on NOSCRIPT and then uses the cache", "[redis]") {
  Fixture f;
  Script script("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}");
  CHECK(script.sha().size() == 40);
  auto exists = f.cmd({"SCRIPT", "EXISTS", script.sha()});
  CHECK((*exists)[0].as_integer() == 0);

  auto r = run_coro(f.io, f.client.eval(script, {"k1"}, {"arg"}));
  REQUIRE(r);
  REQUIRE(r->is_array());
  CHECK((*r)[0].str() == "k1");
  CHECK((*r)[1].str() == "arg");
  CHECK((*r)[2].as_integer() == 1);
  CHECK((*f.cmd({"SCRIPT", "EXISTS", script.sha()}))[0].as_integer() == 1);

  REQUIRE(f.cmd({"SCRIPT", "FLUSH"}));
  auto again = run_coro(f.io, f.client.eval(script, {"k1"}, {"arg"}));
  REQUIRE(again);
  CHECK((*again)[2].as_integer() == 2);

  auto lua_error = run_coro(f.io, f.client.eval(Script("return redis.error_reply('boom')"), {}, {}));
  REQUIRE(lua_error);
  CHECK(lua_error->is_error());
  CHECK(lua_error->str() == "ERR boom");
}

TEST_CASE("a command times out when the server does not answer, and the link recovers",
          "[redis]") {
  Fixture f(200ms);
  f.server.pause();
  auto r = run_coro(f.io, f.client.command({"PING"}, 100ms));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "timeout");
  CHECK(f.client.stats().timeouts == 1);
  // The link stays silent for another command timeout: the client drops it as dead.
  f.wait_down();
  f.server.resume();
  REQUIRE(run_coro(f.io, f.client.wait_connected(10s)));
  auto pong = f.cmd({"PING"});
  REQUIRE(pong);
  CHECK(pong->is_status("PONG"));
}

TEST_CASE("a late reply after a timeout is discarded and later replies stay in order",
          "[redis]") {
  Fixture f;
  REQUIRE(f.cmd({"SET", "k", "v"}));
  // A script keeps the server busy past the 50 ms timeout, then answers (well before the
  // fixture's 5 s command timeout would declare the link dead).
  Script slow(
      "local t = redis.call('TIME'); local start = t[1] * 1000000 + t[2];"
      "while true do t = redis.call('TIME');"
      "  if t[1] * 1000000 + t[2] - start > 300000 then break end end;"
      "return 'slow'");
  REQUIRE(f.cmd({"SCRIPT", "LOAD", slow.source()}));
  auto r = run_coro(f.io, f.client.command(slow.call(0), 50ms));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "timeout");
  // The next command is answered after the script's late reply, which must not be taken for it.
  auto next = f.cmd({"GET", "k"});
  REQUIRE(next);
  CHECK(next->str() == "v");
  CHECK(f.client.connected());
  CHECK(f.client.stats().reconnects == 0);
}

TEST_CASE("redis killed and restarted: calls fail as values, then the client reconnects",
          "[redis]") {
  Fixture f;
  REQUIRE(f.cmd({"SET", "k", "v"}));
  f.server.stop();
  f.wait_down();
  auto down = f.cmd({"GET", "k"});
  REQUIRE_FALSE(down);
  CHECK(down.error().code == "redis_unavailable");
  CHECK_FALSE(run_coro(f.io, f.client.wait_connected(50ms)));

  f.server.start();
  REQUIRE(run_coro(f.io, f.client.wait_connected(10s)));
  auto after = f.cmd({"GET", "k"});
  REQUIRE(after);
  CHECK(after->is_nil());  // no persistence: a fresh server
  CHECK(f.client.stats().reconnects == 1);
}

TEST_CASE("stop() fails in-flight commands and stops reconnecting", "[redis]") {
  Fixture f;
  f.server.pause();
  std::optional<Result<Reply>> r;
  asio::co_spawn(
      f.io,
      [&]() -> asio::awaitable<void> {
        Args ping{"PING"};
        r = co_await f.client.command(std::move(ping));
      },
      asio::detached);
  f.io.poll();  // the PING is written
  f.client.stop();
  while (!r) f.io.run_one();
  REQUIRE_FALSE(*r);
  CHECK(r->error().code == "redis_unavailable");
  CHECK_FALSE(f.client.connected());
  f.server.resume();
}

TEST_CASE("AUTH with an ACL user and its password; a wrong password is refused", "[redis]") {
  Fixture admin;
  REQUIRE(admin.cmd({"ACL", "SETUSER", "app", "on", ">s3cret-pw", "~*", "&*", "+@all"})
              ->is_status("OK"));
  asio::io_context io;
  {
    RedisClient good(io.get_executor(), admin.server.config("app"), Secret("s3cret-pw"));
    good.start();
    REQUIRE(run_coro(io, good.wait_connected(10s)));
    auto who = run_coro(io, good.command({"ACL", "WHOAMI"}));
    REQUIRE(who);
    CHECK(who->str() == "app");
  }
  {
    RedisClient bad(io.get_executor(), admin.server.config("app"), Secret("wrong"));
    bad.start();
    auto st = run_coro(io, bad.wait_connected(300ms));
    CHECK_FALSE(st);
    CHECK_FALSE(bad.connected());
  }
}

TEST_CASE("a unix socket URL with a database number selects that database", "[redis]") {
  RedisServer server;
  asio::io_context io;
  auto cfg = server.config();
  cfg.url = "unix://" + server.unix_socket() + "?db=5";
  RedisClient c(io.get_executor(), cfg);
  c.start();
  REQUIRE(run_coro(io, c.wait_connected(10s)));
  REQUIRE(run_coro(io, c.command({"SET", "in5", "x"})));
  auto info = run_coro(io, c.command({"CLIENT", "INFO"}));
  REQUIRE(info);
  CHECK(info->str().find(" db=5 ") != std::string::npos);
}

TEST_CASE("the server's eviction policy and persistence are read and judged", "[redis]") {
  SECTION("the default: noeviction, no persistence in the test server") {
    Fixture f;
    auto s = run_coro(f.io, read_server_settings(f.client));
    REQUIRE(s);
    CHECK(s->maxmemory_policy == std::optional<std::string>("noeviction"));
    CHECK(s->role == "master");
    CHECK_FALSE(eviction_problem(*s));
    CHECK_THAT(describe(*s), Catch::Contains("maxmemory-policy=noeviction"));
  }
  SECTION("allkeys-lru is named as a problem") {
    Fixture f;
    REQUIRE(f.cmd({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}));
    auto s = run_coro(f.io, read_server_settings(f.client));
    REQUIRE(s);
    auto problem = eviction_problem(*s);
    REQUIRE(problem);
    CHECK_THAT(*problem, Catch::Contains("allkeys-lru"));
  }
}
