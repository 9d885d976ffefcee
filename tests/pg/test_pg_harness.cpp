// Tests the PostgreSQL test fixtures themselves: fresh databases are isolated and dropped, and a
// private cluster stops and starts again on its port.
#include "harness/postgres.hpp"

#include <catch2/catch.hpp>

using namespace blazed::testing;

namespace {
bool database_exists(const std::string& name) {
  auto rows = pg_exec(test_postgres().dsn("postgres"),
                      "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'");
  return rows.at(0).at(0) == "1";
}
}  // namespace

TEST_CASE("fresh databases are distinct, usable and dropped afterwards", "[pg]") {
  std::string first_name;
  {
    auto a = fresh_database();
    auto b = fresh_database();
    first_name = a.name();
    CHECK(a.name() != b.name());
    a.exec("CREATE TABLE t (v int); INSERT INTO t VALUES (1)");
    CHECK(a.exec("SELECT v FROM t").at(0).at(0) == "1");
    CHECK_THROWS(b.exec("SELECT v FROM t"));
    CHECK(database_exists(first_name));
  }
  CHECK_FALSE(database_exists(first_name));
}

TEST_CASE("a private cluster restarts on the same port", "[pg]") {
  PgCluster cluster;
  const auto dsn = cluster.endpoint().dsn("postgres");
  CHECK(pg_exec(dsn, "SELECT 1").at(0).at(0) == "1");
  cluster.stop();
  CHECK_FALSE(cluster.running());
  CHECK_THROWS(pg_exec(dsn, "SELECT 1"));
  cluster.start();
  CHECK(pg_exec(dsn, "SELECT 1").at(0).at(0) == "1");
}
