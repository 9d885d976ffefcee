// Tests schema migrations on a real server: the embedded files, applying once (also from two
// pools at the same time), atomic failure, the checksum guard and the start-up modes.
#include "pg/migrate.hpp"
#include "pg_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>

using namespace blazed;
using namespace blazed::pg;
using namespace blazed::testing;
namespace asio = boost::asio;

namespace {

std::vector<Migration> two_tables() {
  return {Migration::make(1, "first", "CREATE TABLE first_t (id int PRIMARY KEY);"),
          Migration::make(2, "second",
                          "CREATE TABLE second_t (id int REFERENCES first_t);\n"
                          "INSERT INTO first_t VALUES (1);")};
}

std::int64_t ledger_rows(PgDatabase& db) {
  return std::stoll(*db.exec("SELECT count(*) FROM schema_migrations").at(0).at(0));
}

}  // namespace

TEST_CASE("the built-in migrations are embedded in order with checksums", "[pg]") {
  const auto& all = builtin_migrations();
  REQUIRE_FALSE(all.empty());
  CHECK(all.front().version == 1);
  CHECK(all.front().name == "audit_events");
  CHECK(all.front().sql.find("CREATE TABLE audit_events") != std::string::npos);
  CHECK(std::is_sorted(all.begin(), all.end(),
                       [](auto& a, auto& b) { return a.version < b.version; }));
  for (const auto& m : all) CHECK(std::regex_match(m.checksum, std::regex("[0-9a-f]{64}")));
  CHECK(Migration::make(1, "x", "SELECT 1;").checksum !=
        Migration::make(1, "x", "SELECT 1; ").checksum);
}

TEST_CASE("migrate applies pending migrations once and records them", "[pg]") {
  PgFixture f;
  auto before = f.run(schema_status(*f.pool));
  REQUIRE(before);
  CHECK(before->current_version == 0);
  CHECK(before->pending.size() == builtin_migrations().size());

  auto applied = f.run(migrate(*f.pool));
  REQUIRE(applied);
  CHECK(applied->size() == builtin_migrations().size());
  CHECK(f.run(current_version(*f.pool)).value() == builtin_migrations().back().version);
  CHECK(f.run(pending(*f.pool)).value().empty());
  auto rows = f.db.exec("SELECT version, name, checksum FROM schema_migrations ORDER BY version");
  REQUIRE(rows.size() == builtin_migrations().size());
  CHECK(rows[0][1] == builtin_migrations()[0].name);
  CHECK(rows[0][2] == builtin_migrations()[0].checksum);

  auto again = f.run(migrate(*f.pool));
  REQUIRE(again);
  CHECK(again->empty());
  CHECK(ledger_rows(f.db) == static_cast<std::int64_t>(builtin_migrations().size()));
}

TEST_CASE("two daemons migrating at the same time apply each migration once", "[pg]") {
  PgFixture f;
  auto other = f.make_pool(pg_config(f.db.dsn()));
  auto list = builtin_migrations();
  for (auto& m : two_tables()) {
    m.version += 1000;
    list.push_back(m);
  }
  // Both runs are in flight together on one loop; the advisory lock makes the second wait.
  auto a = asio::co_spawn(f.io, migrate(*f.pool, list), asio::use_future);
  auto b = asio::co_spawn(f.io, migrate(*other, list), asio::use_future);
  while (a.wait_for(std::chrono::seconds(0)) != std::future_status::ready ||
         b.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    f.io.run_one();
  auto ra = a.get();
  auto rb = b.get();
  REQUIRE(ra);
  REQUIRE(rb);
  CHECK(ra->size() + rb->size() == list.size());
  CHECK((ra->empty() || rb->empty()));
  CHECK(ledger_rows(f.db) == static_cast<std::int64_t>(list.size()));
  CHECK(f.db.exec("SELECT count(*) FROM first_t").at(0).at(0) == "1");
}

TEST_CASE("a failing migration leaves nothing behind and stops the run", "[pg]") {
  PgFixture f;
  auto list = two_tables();
  list.push_back(Migration::make(3, "broken", "CREATE TABLE third_t (id int);\nSELEC 1;"));
  list.push_back(Migration::make(4, "after", "CREATE TABLE fourth_t (id int);"));
  auto r = f.run(migrate(*f.pool, list));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "pg_bad_statement");
  CHECK(r.error().message.find("migration 3 (broken)") != std::string::npos);
  CHECK(f.run(current_version(*f.pool, list)).value() == 2);
  CHECK(f.db.exec("SELECT to_regclass('third_t') IS NULL, to_regclass('fourth_t') IS NULL") ==
        PgTextRows{{"t", "t"}});
  CHECK(f.run(pending(*f.pool, list)).value() == std::vector<int>{3, 4});
}

TEST_CASE("an applied migration that was edited is refused", "[pg]") {
  PgFixture f;
  auto list = two_tables();
  REQUIRE(f.run(migrate(*f.pool, list)));
  list[0] = Migration::make(1, "first", "CREATE TABLE first_t (id bigint PRIMARY KEY);");
  list.push_back(Migration::make(3, "third", "CREATE TABLE third_t (id int);"));

  auto status = f.run(schema_status(*f.pool, list));
  REQUIRE_FALSE(status);
  CHECK(status.error().code == "migration_checksum_mismatch");
  CHECK(status.error().message.find("migration 1 (first)") != std::string::npos);

  auto r = f.run(migrate(*f.pool, list));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "migration_checksum_mismatch");
  CHECK(f.db.exec("SELECT to_regclass('third_t') IS NULL").at(0).at(0) == "t");  // nothing ran

  for (auto mode : {config::MigrateMode::apply, config::MigrateMode::require_current}) {
    auto st = f.run(ensure_schema(*f.pool, mode, list));
    REQUIRE_FALSE(st);
    CHECK(st.error().code == "migration_checksum_mismatch");
  }
}

TEST_CASE("start-up either applies migrations or refuses to run behind", "[pg]") {
  PgFixture f;
  auto list = two_tables();

  auto behind = f.run(ensure_schema(*f.pool, config::MigrateMode::require_current, list));
  REQUIRE_FALSE(behind);
  CHECK(behind.error().code == "schema_behind");
  CHECK(f.run(current_version(*f.pool, list)).value() == 0);

  REQUIRE(f.run(ensure_schema(*f.pool, config::MigrateMode::apply, list)));
  CHECK(f.run(current_version(*f.pool, list)).value() == 2);
  CHECK(f.run(ensure_schema(*f.pool, config::MigrateMode::require_current, list)));

  // A newer binary migrated further: an older one still starts (migrations stay compatible).
  auto older = std::vector<Migration>{list[0]};
  CHECK(f.run(ensure_schema(*f.pool, config::MigrateMode::require_current, older)));
  auto status = f.run(schema_status(*f.pool, older));
  REQUIRE(status);
  CHECK(status->unknown == std::vector<int>{2});
  CHECK(status->current_version == 2);
}
