// Tests the async PostgreSQL client against a real server: parameters (injection-looking text,
// NULLs, NUMERIC exactness, bytea, timestamps, arrays), transactions, error mapping, timeouts,
// pool limits and reconnect after a server restart.
#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "pg_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>

#include <stdexcept>

using namespace blazed;
using namespace blazed::pg;
using namespace blazed::testing;
namespace asio = boost::asio;

TEST_CASE("parameters are values, never SQL, even when they look like SQL", "[pg]") {
  PgFixture f;
  REQUIRE(f.run(f.pool->query("CREATE TABLE t (id bigint PRIMARY KEY, name text)")));
  const std::vector<std::string> nasty = {
      "Robert'); DROP TABLE t; --", "' OR '1'='1", "$1", "\\x00\\", "\"quoted\"", "üñí©ødé 🚀",
      "NULL", ""};
  for (std::size_t i = 0; i < nasty.size(); ++i)
    REQUIRE(f.run(f.pool->query("INSERT INTO t (id, name) VALUES ($1, $2)", i, nasty[i])));

  for (std::size_t i = 0; i < nasty.size(); ++i) {
    auto r = f.run(f.pool->query("SELECT id FROM t WHERE name = $1", nasty[i]));
    REQUIRE(r);
    REQUIRE(r->size() == 1);
    CHECK(r->scalar<std::int64_t>().value() == static_cast<std::int64_t>(i));
  }
  auto count = f.run(f.pool->query("SELECT count(*) FROM t"));
  REQUIRE(count);
  CHECK(count->scalar<std::int64_t>().value() == static_cast<std::int64_t>(nasty.size()));
}

TEST_CASE("NULL travels both ways and is only accepted where asked for", "[pg]") {
  PgFixture f;
  std::optional<std::int64_t> none;
  std::optional<std::string> some = "x";
  auto r = f.run(f.pool->query("SELECT $1::bigint AS a, $2::text AS b, $3::text AS c", none,
                               some, std::nullopt));
  REQUIRE(r);
  auto row = (*r)[0];
  CHECK(row.is_null(0));
  CHECK(row.get<std::optional<std::int64_t>>("a").value() == std::nullopt);
  CHECK(row.get<std::optional<std::string>>("b").value() == "x");
  CHECK_FALSE(row.is_null(1));
  CHECK(row.is_null(2));
  auto strict = row.get<std::int64_t>(0);
  REQUIRE_FALSE(strict);
  CHECK(strict.error().code == "pg_decode");
}

TEST_CASE("NUMERIC stays exact text in both directions", "[pg]") {
  PgFixture f;
  REQUIRE(f.run(f.pool->query("CREATE TABLE money (v numeric)")));
  const std::vector<std::string> amounts = {"12345678901234567890.123456789", "0.1", "-0.30",
                                            "19.99", "0"};
  for (const auto& a : amounts)
    REQUIRE(f.run(f.pool->query("INSERT INTO money VALUES ($1)", Numeric::parse(a).value())));
  auto r = f.run(f.pool->query("SELECT v FROM money ORDER BY v"));
  REQUIRE(r);
  std::vector<std::string> back;
  for (auto row : *r) back.push_back(row.get<Numeric>(0).value().text());
  CHECK(back == std::vector<std::string>{"-0.30", "0", "0.1", "19.99",
                                         "12345678901234567890.123456789"});

  // The classic float trap: 0.1 + 0.2 is exactly 0.3 in NUMERIC.
  auto sum = f.run(f.pool->query("SELECT $1::numeric + $2::numeric", Numeric::parse("0.1").value(),
                                 Numeric::parse("0.2").value()));
  REQUIRE(sum);
  CHECK(sum->scalar<Numeric>().value().text() == "0.3");

  CHECK(Numeric::parse("1e2"));
  for (auto bad : {"", "1,5", "abc", "1.", ".5", "NaN", "--1", "1 "}) {
    INFO(bad);
    CHECK_FALSE(Numeric::parse(bad));
  }
}

TEST_CASE("bytea, booleans, integers and timestamps round-trip", "[pg]") {
  PgFixture f;
  Bytes blob = {0x00, 0xff, 0x10, 0x5c, 0x27, 0x00};
  auto when = Clock::time_point(std::chrono::microseconds(1'764'444'123'456'789LL));
  auto r = f.run(f.pool->query(
      "SELECT $1::bytea, $2::boolean, $3::bigint, $4::timestamptz, $5::timestamptz + interval "
      "'1 day'",
      blob, true, std::numeric_limits<std::int64_t>::min(), when, when));
  REQUIRE(r);
  auto row = (*r)[0];
  CHECK(row.get<Bytes>(0).value() == blob);
  CHECK(row.get<bool>(1).value());
  CHECK(row.get<std::int64_t>(2).value() == std::numeric_limits<std::int64_t>::min());
  CHECK(row.get<Clock::time_point>(3).value() == when);
  CHECK(row.get<Clock::time_point>(4).value() == when + std::chrono::hours(24));
  CHECK_FALSE(row.get<bool>(3));  // a timestamp is not a boolean
}

TEST_CASE("bytea arrays travel in binary: any byte, empty elements and empty arrays", "[pg]") {
  PgFixture f;
  std::vector<Bytes> blobs{{0x00, 0xff, 0x5c, 0x22, 0x7b, 0x7d, 0x2c}, {}, Bytes(70'000, 0xab)};
  auto r = f.run(f.pool->query(
      "SELECT ord, length(b), b FROM unnest($1::bytea[]) WITH ORDINALITY AS u(b, ord) ORDER BY ord",
      blobs));
  REQUIRE(r);
  REQUIRE(r->size() == 3);
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    const auto row = (*r)[i];
    CHECK(row.get<std::int64_t>(1).value() == static_cast<std::int64_t>(blobs[i].size()));
    CHECK(row.get<Bytes>(2).value() == blobs[i]);
  }
  auto none = f.run(f.pool->query("SELECT cardinality($1::bytea[])", std::vector<Bytes>{}));
  REQUIRE(none);
  CHECK(none->scalar<std::int64_t>().value() == 0);
}

TEST_CASE("a page of rows is upserted in one statement through unnest arrays", "[pg]") {
  PgFixture f;
  REQUIRE(f.run(f.pool->query(
      "CREATE TABLE orders (id text PRIMARY KEY, seller bigint, total numeric, note text)")));
  std::vector<std::string> ids;
  std::vector<std::int64_t> sellers;
  std::vector<Numeric> totals;
  std::vector<std::optional<std::string>> notes;
  for (int i = 0; i < 100; ++i) {
    ids.push_back("111-" + std::to_string(i) + "-\"q\"\\,{x}");
    sellers.push_back(7);
    totals.push_back(Numeric::parse(std::to_string(i) + ".05").value());
    if (i % 3 == 0) notes.emplace_back(std::nullopt);
    else if (i % 3 == 1) notes.emplace_back("NULL");
    else notes.emplace_back("it's, {odd}");
  }
  const std::string upsert =
      "INSERT INTO orders (id, seller, total, note) "
      "SELECT * FROM unnest($1::text[], $2::bigint[], $3::numeric[], $4::text[]) "
      "ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total, note = EXCLUDED.note";
  auto first = f.run(f.pool->query(upsert, ids, sellers, totals, notes));
  REQUIRE(first);
  CHECK(first->affected() == 100);
  auto again = f.run(f.pool->query(upsert, ids, sellers, totals, notes));
  REQUIRE(again);
  CHECK(again->affected() == 100);

  auto r = f.run(f.pool->query(
      "SELECT count(*), count(note), sum(total), count(*) FILTER (WHERE note = 'NULL') FROM orders"));
  REQUIRE(r);
  auto row = (*r)[0];
  CHECK(row.get<std::int64_t>(0).value() == 100);
  CHECK(row.get<std::int64_t>(1).value() == 66);
  CHECK(row.get<Numeric>(2).value().text() == "4955.00");
  CHECK(row.get<std::int64_t>(3).value() == 33);
  auto one = f.run(f.pool->query("SELECT note FROM orders WHERE id = $1", ids[2]));
  REQUIRE(one);
  CHECK(one->scalar<std::string>().value() == "it's, {odd}");
}

TEST_CASE("transactions commit on success and roll back on error, exception or aborted state",
          "[pg]") {
  PgFixture f;
  REQUIRE(f.run(f.pool->query("CREATE TABLE t (v int UNIQUE)")));
  auto count = [&] { return f.run(f.pool->query("SELECT count(*) FROM t"))->scalar<std::int64_t>().value(); };

  auto ok = f.run(f.pool->transaction([](Tx& tx) -> asio::awaitable<Status> {
    if (auto r = co_await tx.query("INSERT INTO t VALUES (1)"); !r) co_return r.error();
    if (auto r = co_await tx.query("INSERT INTO t VALUES (2)"); !r) co_return r.error();
    co_return Status{};
  }));
  REQUIRE(ok);
  CHECK(count() == 2);

  auto failed = f.run(f.pool->transaction([](Tx& tx) -> asio::awaitable<Status> {
    if (auto r = co_await tx.query("INSERT INTO t VALUES (3)"); !r) co_return r.error();
    co_return make_error("business_rule", "changed my mind");
  }));
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == "business_rule");
  CHECK(count() == 2);

  CHECK_THROWS_AS(f.run(f.pool->transaction([](Tx& tx) -> asio::awaitable<Status> {
                    (void)co_await tx.query("INSERT INTO t VALUES (4)");
                    throw std::runtime_error("boom");
                  })),
                  std::runtime_error);
  CHECK(count() == 2);

  // A failed statement whose error the body ignores still poisons the transaction.
  auto swallowed = f.run(f.pool->transaction([](Tx& tx) -> asio::awaitable<Status> {
    (void)co_await tx.query("INSERT INTO t VALUES (5)");
    (void)co_await tx.query("INSERT INTO t VALUES (1)");  // duplicate
    co_return Status{};
  }));
  REQUIRE_FALSE(swallowed);
  CHECK(swallowed.error().code == "pg_tx_aborted");
  CHECK(count() == 2);

  // Every connection came back clean and is reused.
  auto stats = f.pool->stats();
  CHECK(stats.open == stats.idle);
  CHECK(stats.open >= 1);
}

TEST_CASE("server errors map to stable codes, keep SQLSTATE and never echo values", "[pg]") {
  PgFixture f;
  const std::string canary = "canary-4f9e@example.com";
  REQUIRE(f.run(f.pool->query("CREATE TABLE u (email text CONSTRAINT u_email_key UNIQUE)")));
  REQUIRE(f.run(f.pool->query("INSERT INTO u VALUES ($1)", canary)));

  auto dup = f.run(f.pool->query("INSERT INTO u VALUES ($1)", canary));
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == "pg_unique_violation");
  CHECK(sqlstate(dup.error()) == "23505");
  CHECK(dup.error().message.find("u_email_key") != std::string::npos);
  CHECK(dup.error().message.find("canary") == std::string::npos);

  auto bad_int = f.run(f.pool->query("SELECT $1::int", canary));
  REQUIRE_FALSE(bad_int);
  CHECK(bad_int.error().code == "pg_invalid_data");
  CHECK(sqlstate(bad_int.error()) == "22P02");
  CHECK(bad_int.error().message.find("canary") == std::string::npos);

  auto syntax = f.run(f.pool->query("SELEC 1"));
  REQUIRE_FALSE(syntax);
  CHECK(syntax.error().code == "pg_bad_statement");
  CHECK(sqlstate(syntax.error()) == "42601");

  auto missing = f.run(f.pool->query("SELECT * FROM no_such_table WHERE x = $1", canary));
  REQUIRE_FALSE(missing);
  CHECK(sqlstate(missing.error()) == "42P01");
  CHECK(missing.error().message.find("canary") == std::string::npos);

  // The pool stays healthy after statement errors.
  CHECK(f.run(f.pool->ping()));
  CHECK(f.pool->ready());
}

TEST_CASE("the server-side statement timeout cancels a long statement", "[pg]") {
  PgFixture f;
  auto c = pg_config(f.db.dsn(), 1);
  c.statement_timeout = std::chrono::milliseconds(100);
  auto pool = f.make_pool(c);
  // pg_sleep is the statement under test, running on the server; the test itself never waits.
  auto slow = f.run(pool->query("SELECT pg_sleep(30)"));
  REQUIRE_FALSE(slow);
  CHECK(slow.error().code == "pg_statement_timeout");
  CHECK(sqlstate(slow.error()) == "57014");
  auto next = f.run(pool->query("SELECT 2"));
  REQUIRE(next);
  CHECK(next->scalar<int>().value() == 2);
}

TEST_CASE("a statement cancelled by its caller drops its connection, not the pool", "[pg]") {
  using namespace asio::experimental::awaitable_operators;
  PgFixture f;
  REQUIRE(f.run(f.pool->ping()));
  const int open_before = f.pool->stats().open;
  // The caller gives up (a job deadline, say) while the server is still busy with the statement.
  auto outcome = f.run([&]() -> asio::awaitable<std::variant<Result<Rows>, std::monostate>> {
    asio::steady_timer give_up(f.io, std::chrono::milliseconds(20));
    co_return co_await (f.pool->query("SELECT pg_sleep(30)") ||
                        give_up.async_wait(asio::use_awaitable));
  }());
  CHECK(outcome.index() == 1);
  CHECK(f.pool->stats().open == open_before - 1);
  CHECK(f.pool->ready());
  auto next = f.run(f.pool->query("SELECT 3"));
  REQUIRE(next);
  CHECK(next->scalar<int>().value() == 3);
}

TEST_CASE("callers beyond the pool size wait for a connection and all complete", "[pg]") {
  PgFixture f;
  auto pool = f.make_pool(pg_config(f.db.dsn(), 2));
  int done = 0;
  int max_open = 0;
  std::vector<std::int64_t> results(12, -1);
  for (int i = 0; i < 12; ++i) {
    asio::co_spawn(
        f.io,
        [&, i]() -> asio::awaitable<void> {
          auto r = co_await pool->query("SELECT $1::bigint * 10", i);
          max_open = std::max(max_open, pool->stats().open);
          if (r) results[i] = r->scalar<std::int64_t>().value();
          ++done;
        },
        asio::detached);
  }
  while (done < 12) f.io.run_one();
  for (int i = 0; i < 12; ++i) CHECK(results[i] == i * 10);
  CHECK(max_open <= 2);
  CHECK(pool->stats().waiting == 0);
}

TEST_CASE("a caller waiting for a busy pool can give up; the next one gets the connection",
          "[pg]") {
  PgFixture f;
  auto pool = f.make_pool(pg_config(f.db.dsn(), 1));
  // The only connection is held until `release` is cancelled (by the test, an event, not a time).
  asio::steady_timer release(f.io, std::chrono::hours(1));
  bool held = false;
  asio::co_spawn(f.io, pool->with_session([&](Session& s) -> asio::awaitable<Status> {
    if (auto r = co_await s.query("SELECT 1"); !r) co_return r.error();
    held = true;
    co_await release.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return Status{};
  }), asio::detached);
  REQUIRE(run_until(f.io, [&] { return held; }));

  asio::cancellation_signal give_up;
  std::optional<Result<Rows>> first;
  asio::co_spawn(f.io, pool->query("SELECT 1"),
                 asio::bind_cancellation_slot(give_up.slot(), [&](std::exception_ptr, Result<Rows> r) {
                   first = std::move(r);
                 }));
  std::optional<Result<Rows>> second;
  asio::co_spawn(f.io, pool->query("SELECT 2"), [&](std::exception_ptr, Result<Rows> r) {
    second = std::move(r);
  });
  REQUIRE(run_until(f.io, [&] { return pool->stats().waiting == 2; }));

  give_up.emit(asio::cancellation_type::terminal);
  REQUIRE(run_until(f.io, [&] { return first.has_value(); }));
  REQUIRE_FALSE(*first);
  CHECK(first->error().code == "cancelled");
  CHECK(pool->stats().waiting == 1);

  release.cancel();
  REQUIRE(run_until(f.io, [&] { return second.has_value(); }));
  REQUIRE(*second);
  CHECK((*second)->scalar<int>().value() == 2);
  CHECK(pool->stats().open == 1);
}

TEST_CASE("an unreachable server is an error value and the password never shows", "[pg]") {
  asio::io_context io;
  asio::ip::tcp::acceptor closed(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto port = closed.local_endpoint().port();
  closed.close();  // nobody listens there now
  auto c = pg_config("host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=x");
  PgPool pool(io.get_executor(), c, Secret("canary-password-77x"));
  std::vector<bool> states;
  pool.on_state_change([&](bool up) { states.push_back(up); });
  auto r = run_coro(io, pool.query("SELECT 1"));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "pg_unavailable");
  CHECK(r.error().message.find("canary-password") == std::string::npos);
  CHECK_FALSE(pool.ready());
  CHECK(states.empty());  // it never was up
}

TEST_CASE("a DSN libpq cannot parse is a configuration error that does not quote it", "[pg]") {
  asio::io_context io;
  // libpq's own message would be: missing "=" after "canary-tail-5k" in connection info string.
  for (std::string dsn : {"host=127.0.0.1 user=postgres password=canary canary-tail-5k",
                          "postgresql://postgres:canary%zz-tail-5k@127.0.0.1/x"}) {
    PgPool pool(io.get_executor(), pg_config(dsn), Secret{});
    auto r = run_coro(io, pool.query("SELECT 1"));
    REQUIRE_FALSE(r);
    INFO(r.error().message);
    CHECK(r.error().code == "bad_config");
    CHECK(r.error().message.find("canary") == std::string::npos);
  }
}

TEST_CASE("a server that accepts but never answers runs into the connect timeout", "[pg]") {
  asio::io_context io;
  // A listening socket nobody accepts from: the kernel completes the handshake, then silence.
  asio::ip::tcp::acceptor mute(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto c = pg_config("host=127.0.0.1 port=" + std::to_string(mute.local_endpoint().port()) +
                     " user=postgres dbname=x");
  c.connect_timeout = std::chrono::milliseconds(150);
  PgPool pool(io.get_executor(), c, Secret{});
  auto r = run_coro(io, pool.query("SELECT 1"));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "timeout");
}

TEST_CASE("after a server restart the pool reconnects and readiness follows", "[pg]") {
  PgCluster cluster;
  PgDatabase db(cluster.endpoint());
  asio::io_context io;
  PgPool pool(io.get_executor(), pg_config(db.dsn(), 2), Secret{});
  std::vector<bool> states;
  pool.on_state_change([&](bool up) { states.push_back(up); });
  pool.start();

  REQUIRE(run_coro(io, pool.query("SELECT 1")));
  CHECK(pool.ready());
  CHECK(states == std::vector<bool>{true});

  cluster.stop();
  // Without any traffic the background watch notices the outage (the wait is on that event).
  REQUIRE(run_until(io, [&] { return !pool.ready(); }));
  CHECK(states == std::vector<bool>{true, false});
  auto down = run_coro(io, pool.query("SELECT 1"));
  REQUIRE_FALSE(down);
  CHECK(down.error().code == "pg_unavailable");
  CHECK_FALSE(pool.ready());
  CHECK(states == std::vector<bool>{true, false});

  cluster.start();
  auto up = run_coro(io, pool.query("SELECT 41 + 1"));
  REQUIRE(up);
  CHECK(up->scalar<int>().value() == 42);
  CHECK(pool.ready());
  CHECK(states.back() == true);
  pool.stop();
}
