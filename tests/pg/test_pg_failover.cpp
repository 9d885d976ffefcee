// Tests a multi-host DSN with target_session_attrs=read-write across a primary switch: a primary
// and its streaming hot standby, the primary stopped mid-statement and the standby promoted; the
// pool reports the statement in flight as a retryable error value and writes again on the new
// primary. A primary fenced read-only under an open connection is left for the host that takes
// writes.
#include "app/migrate_cli.hpp"
#include "config/config.hpp"
#include "harness/eventually.hpp"
#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "pg_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>

#include <optional>
#include <string>

using namespace blazed;
using namespace blazed::testing;
namespace asio = boost::asio;

namespace {

std::string scalar_text(const std::string& dsn, const std::string& sql) {
  auto rows = pg_exec(dsn, sql);
  return rows.empty() || rows[0].empty() || !rows[0][0] ? std::string() : *rows[0][0];
}

// A write that is still running when the primary goes: the server-side sleep stands for a long
// statement (the test itself waits on events only).
constexpr const char* kSlowWrite = "INSERT INTO writes SELECT 2 FROM pg_sleep(3600)";

}  // namespace

TEST_CASE("read-write multi-host DSN: the pool follows a promoted standby, the lost write is a "
          "retryable error", "[pg]") {
  PgCluster primary;
  const std::string primary_dsn = primary.endpoint().dsn("postgres");
  pg_exec(primary_dsn, "CREATE TABLE writes (id bigint PRIMARY KEY)");
  PgCluster standby(PgClusterOptions{.standby_of = &primary});
  const std::string standby_dsn = standby.endpoint().dsn("postgres");
  REQUIRE(scalar_text(standby_dsn, "SELECT pg_is_in_recovery()") == "t");

  // The standby is listed first: target_session_attrs=read-write skips it while it is read-only.
  const std::string dsn = "host=127.0.0.1,127.0.0.1 port=" + std::to_string(standby.endpoint().port) +
                          "," + std::to_string(primary.endpoint().port) +
                          " user=postgres dbname=postgres target_session_attrs=read-write";
  // `blazed migrate` takes the DSN too.
  config::Config config;
  config.postgres = pg_config(dsn, 1);
  REQUIRE(app::run_migrate(config, /*status_only=*/false) == 0);
  CHECK(scalar_text(primary_dsn, "SELECT count(*) > 0 FROM schema_migrations") == "t");

  asio::io_context io;
  pg::PgPool pool(io.get_executor(), pg_config(dsn, 2), Secret{});
  pool.start();
  auto port = run_coro(io, pool.query("SELECT current_setting('port')::int"));
  REQUIRE(port);
  CHECK(port->scalar<int>().value() == primary.endpoint().port);
  REQUIRE(run_coro(io, pool.query("INSERT INTO writes VALUES (1)")));
  REQUIRE(eventually([&] { return scalar_text(standby_dsn, "SELECT count(*) FROM writes") == "1"; }));

  // The primary goes while a write is in flight.
  std::optional<Result<pg::Rows>> in_flight;
  asio::co_spawn(io, pool.query(kSlowWrite), [&](std::exception_ptr e, Result<pg::Rows> r) {
    if (e) std::rethrow_exception(e);
    in_flight = std::move(r);
  });
  REQUIRE(run_until(io, [&] {
    return scalar_text(primary_dsn, "SELECT count(*) FROM pg_stat_activity WHERE query = '" +
                                        std::string(kSlowWrite) + "'") == "1";
  }));
  primary.stop();
  REQUIRE(run_until(io, [&] { return in_flight.has_value(); }));
  REQUIRE_FALSE(*in_flight);
  INFO(in_flight->error().message);
  CHECK(in_flight->error().code == "pg_unavailable");
  CHECK(pg::is_connection_error(in_flight->error()));

  // No host is writable until the standby is promoted: writes fail the same way, nothing hangs.
  auto between = run_coro(io, pool.query("INSERT INTO writes VALUES (3)"));
  REQUIRE_FALSE(between);
  CHECK(between.error().code == "pg_unavailable");
  CHECK_THAT(between.error().message, Catch::Contains("host 1: ") && Catch::Contains("session is read-only"));
  CHECK_FALSE(pool.ready());

  standby.promote();
  // The next statement connects to the new primary; the failed write is not there, a retry lands.
  auto lost = run_coro(io, pool.query("SELECT count(*) FROM writes WHERE id = 2"));
  REQUIRE(lost);
  CHECK(lost->scalar<std::int64_t>().value() == 0);
  REQUIRE(run_coro(io, pool.query("INSERT INTO writes VALUES (2)")));
  auto now_port = run_coro(io, pool.query("SELECT current_setting('port')::int"));
  REQUIRE(now_port);
  CHECK(now_port->scalar<int>().value() == standby.endpoint().port);
  CHECK(pool.ready());
  CHECK(scalar_text(standby_dsn, "SELECT string_agg(id::text, ',' ORDER BY id) FROM writes") == "1,2");
  pool.stop();
}

TEST_CASE("a host that accepts but never answers is passed over after connect_timeout", "[pg]") {
  PgDatabase db;
  asio::io_context io;
  // A listening socket nobody accepts from: the kernel completes the handshake, then silence.
  asio::ip::tcp::acceptor mute(io, {asio::ip::make_address("127.0.0.1"), 0});
  const std::string mute_port = std::to_string(mute.local_endpoint().port());
  auto c = pg_config("host=127.0.0.1," + db.server().host + " port=" + mute_port + "," +
                     std::to_string(db.server().port) + " user=" + db.server().user +
                     " dbname=" + db.name() + " target_session_attrs=read-write");
  c.connect_timeout = std::chrono::milliseconds(200);
  pg::PgPool pool(io.get_executor(), c, Secret{});
  auto r = run_coro(io, pool.query("SELECT 41 + 1"));
  REQUIRE(r);
  CHECK(r->scalar<int>().value() == 42);

  SECTION("when no host answers, the error names each host's reason") {
    asio::ip::tcp::acceptor closed(io, {asio::ip::make_address("127.0.0.1"), 0});
    const std::string closed_port = std::to_string(closed.local_endpoint().port());
    closed.close();
    auto none = pg_config("host=127.0.0.1,127.0.0.1 port=" + mute_port + "," + closed_port +
                          " user=postgres dbname=x");
    none.connect_timeout = std::chrono::milliseconds(200);
    pg::PgPool nowhere(io.get_executor(), none, Secret{});
    auto down = run_coro(io, nowhere.query("SELECT 1"));
    REQUIRE_FALSE(down);
    INFO(down.error().message);
    CHECK(down.error().code == "pg_unavailable");
    CHECK_THAT(down.error().message, Catch::Contains("host 1: connect: no answer from PostgreSQL in time"));
    CHECK_THAT(down.error().message, Catch::Contains("host 2: connect: connection to server"));
  }
}

TEST_CASE("a primary fenced read-only under an open connection: the refused write is retryable and "
          "the pool moves to the host that takes writes", "[pg]") {
  PgCluster fenced;
  PgCluster other;
  const std::string fenced_dsn = fenced.endpoint().dsn("postgres");
  const std::string other_dsn = other.endpoint().dsn("postgres");
  for (const auto& d : {fenced_dsn, other_dsn}) pg_exec(d, "CREATE TABLE writes (id bigint PRIMARY KEY)");
  const std::string dsn = "host=127.0.0.1,127.0.0.1 port=" + std::to_string(fenced.endpoint().port) + "," +
                          std::to_string(other.endpoint().port) +
                          " user=postgres dbname=postgres target_session_attrs=read-write";
  asio::io_context io;
  pg::PgPool pool(io.get_executor(), pg_config(dsn, 1), Secret{});
  pool.start();
  REQUIRE(run_coro(io, pool.query("INSERT INTO writes VALUES (1)")));
  REQUIRE(scalar_text(fenced_dsn, "SELECT count(*) FROM writes") == "1");

  // Fenced the way some failover tools do it: the server stays up and keeps its sessions.
  pg_exec(fenced_dsn, "ALTER SYSTEM SET default_transaction_read_only = on");
  pg_exec(fenced_dsn, "SELECT pg_reload_conf()");
  // A new session seeing the setting means the postmaster has passed the reload to every backend.
  REQUIRE(eventually([&] { return scalar_text(fenced_dsn, "SHOW default_transaction_read_only") == "on"; }));

  auto refused = run_coro(io, pool.query("INSERT INTO writes VALUES (2)"));
  REQUIRE_FALSE(refused);
  INFO(refused.error().message);
  CHECK(refused.error().code == "pg_unavailable");
  CHECK_THAT(refused.error().message, Catch::Contains("read-only") && Catch::Contains("SQLSTATE 25006"));
  CHECK(pg::is_connection_error(refused.error()));

  // The retry connects again and lands on the host that still takes writes.
  REQUIRE(run_coro(io, pool.query("INSERT INTO writes VALUES (2)")));
  CHECK(scalar_text(other_dsn, "SELECT string_agg(id::text, ',') FROM writes") == "2");
  CHECK(scalar_text(fenced_dsn, "SELECT count(*) FROM writes") == "1");
  CHECK(pool.ready());
  pool.stop();
}
