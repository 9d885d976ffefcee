// Tests the audit trail on a real server: events round-trip, commit with the work they describe,
// refuse PII, and survive at least 365 days (in the API and in the table's own triggers).
#include "pg/audit.hpp"
#include "pg/errors.hpp"
#include "pg/migrate.hpp"
#include "pg_fixture.hpp"

#include <catch2/catch.hpp>

using namespace blazed;
using namespace blazed::pg;
using namespace blazed::testing;
namespace asio = boost::asio;
using std::chrono::days;

namespace {

struct AuditFixture : PgFixture {
  // Whole microseconds, as PostgreSQL stores them.
  ManualClock clock{Clock::time_point(std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch()))};
  AuditFixture() { REQUIRE(run(migrate(*pool))); }

  std::int64_t count() {
    return std::stoll(*db.exec("SELECT count(*) FROM audit_events").at(0).at(0));
  }
};

AuditEvent sync_event() {
  AuditEvent e;
  e.actor = "instance:host-a:4242";
  e.action = "sync.orders";
  e.seller_id = 17;
  e.data_type = "orders";
  e.rows = 100;
  e.outcome = AuditOutcome::partial;
  e.detail = {{"pages", 2}, {"error_code", "spapi_throttled"}};
  e.request_ids = {"b6a1c2d3-0000-4b5e-9c1d-abcdef012345", "with \"quote\", {brace}"};
  return e;
}

}  // namespace

TEST_CASE("an audit event is stored with every field and read back", "[pg]") {
  AuditFixture f;
  auto id = f.run(record_audit(*f.pool, f.clock, sync_event()));
  REQUIRE(id);
  AuditEvent bare;
  bare.actor = "uid:1000";
  bare.action = "keys.rotate";
  bare.outcome = AuditOutcome::success;
  f.clock.advance(std::chrono::seconds(1));
  REQUIRE(f.run(record_audit(*f.pool, f.clock, bare)));

  auto all = f.run(list_audit(*f.pool, {}));
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  const auto& got = (*all)[0];
  auto want = sync_event();
  CHECK(got.id == *id);
  CHECK(got.occurred_at == f.clock.now() - std::chrono::seconds(1));
  CHECK(got.event.actor == want.actor);
  CHECK(got.event.action == want.action);
  CHECK(got.event.seller_id == 17);
  CHECK(got.event.data_type == "orders");
  CHECK(got.event.rows == 100);
  CHECK(got.event.outcome == AuditOutcome::partial);
  CHECK(got.event.detail == want.detail);
  CHECK(got.event.request_ids == want.request_ids);
  CHECK((*all)[1].event.seller_id == std::nullopt);
  CHECK((*all)[1].event.request_ids.empty());

  AuditQuery by_seller;
  by_seller.seller_id = 17;
  auto for_seller = f.run(list_audit(*f.pool, by_seller));
  REQUIRE(for_seller);
  CHECK(for_seller->size() == 1);
  AuditQuery since;
  since.since = f.clock.now();
  auto later = f.run(list_audit(*f.pool, since));
  REQUIRE(later);
  CHECK(later->size() == 1);
}

TEST_CASE("an audit event commits or rolls back with the work it describes", "[pg]") {
  AuditFixture f;
  auto st = f.run(f.pool->transaction([&](Tx& tx) -> asio::awaitable<Status> {
    if (auto r = co_await record_audit(tx, f.clock, sync_event()); !r) co_return r.error();
    co_return make_error("sync_failed", "the page upsert failed");
  }));
  REQUIRE_FALSE(st);
  CHECK(f.count() == 0);
  REQUIRE(f.run(f.pool->transaction([&](Tx& tx) -> asio::awaitable<Status> {
    if (auto r = co_await record_audit(tx, f.clock, sync_event()); !r) co_return r.error();
    co_return Status{};
  })));
  CHECK(f.count() == 1);
}

TEST_CASE("an audit event carrying PII or lacking who/what is refused", "[pg]") {
  AuditFixture f;
  auto with_email = sync_event();
  with_email.detail["buyer"] = "jane.doe@example.com";
  auto r = f.run(record_audit(*f.pool, f.clock, with_email));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "audit_pii");
  CHECK(r.error().message.find("jane") == std::string::npos);

  auto with_token = sync_event();
  with_token.request_ids.push_back("Atzr|IwEBIexample-refresh-token-value");
  CHECK(f.run(record_audit(*f.pool, f.clock, with_token)).error().code == "audit_pii");

  auto nobody = sync_event();
  nobody.actor.clear();
  CHECK(f.run(record_audit(*f.pool, f.clock, nobody)).error().code == "audit_invalid");
  CHECK(f.count() == 0);
}

TEST_CASE("audit retention never goes below 365 days", "[pg]") {
  AuditFixture f;
  auto old_event = sync_event();
  old_event.occurred_at = f.clock.now() - days(400);
  auto recent = sync_event();
  recent.occurred_at = f.clock.now() - days(300);
  REQUIRE(f.run(record_audit(*f.pool, f.clock, old_event)));
  REQUIRE(f.run(record_audit(*f.pool, f.clock, recent)));

  auto refused = f.run(prune_audit(*f.pool, f.clock, days(30)));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "audit_retention");
  CHECK(f.count() == 2);

  auto pruned = f.run(prune_audit(*f.pool, f.clock, days(365)));
  REQUIRE(pruned);
  CHECK(*pruned == 1);
  CHECK(f.count() == 1);
}

TEST_CASE("the audit table itself refuses updates, truncation and early deletes", "[pg]") {
  AuditFixture f;
  REQUIRE(f.run(record_audit(*f.pool, f.clock, sync_event())));
  for (const char* sql : {"UPDATE audit_events SET rows = 0", "DELETE FROM audit_events",
                          "TRUNCATE audit_events"}) {
    INFO(sql);
    auto r = f.run(f.pool->query(sql));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "pg_raised");
    CHECK(sqlstate(r.error()) == "P0001");
  }
  CHECK(f.count() == 1);
  auto bad_outcome = f.run(f.pool->query(
      "INSERT INTO audit_events (occurred_at, actor, action, outcome) VALUES (now(), 'a', 'b', $1)",
      "maybe"));
  REQUIRE_FALSE(bad_outcome);
  CHECK(bad_outcome.error().code == "pg_check_violation");
}

TEST_CASE("existing audit events move into month partitions with their ids", "[pg]") {
  PgFixture f;
  std::vector<Migration> before;
  for (const auto& m : builtin_migrations())
    if (m.version < 91) before.push_back(m);
  REQUIRE(f.run(migrate(*f.pool, before)));
  f.db.exec("INSERT INTO audit_events (occurred_at, actor, action, seller_id, outcome) VALUES "
            "(now() - interval '40 days', 'uid:0', 'sync.orders', 1, 'success'), "
            "(now(), 'uid:0', 'keys.rotate', NULL, 'success'), "
            "('2023-11-14T12:00:00Z', 'uid:0', 'purge.pii', NULL, 'failure')");
  REQUIRE(f.run(migrate(*f.pool)));
  const auto scalar = [&](const std::string& sql) { return *f.db.exec(sql).at(0).at(0); };
  CHECK(scalar("SELECT relkind FROM pg_class WHERE relname = 'audit_events'") == "p");
  CHECK(scalar("SELECT string_agg(id::text || action, ',' ORDER BY id) FROM audit_events") ==
        "1sync.orders,2keys.rotate,3purge.pii");
  // Every event is in its month's partition, and this month and three ahead exist.
  CHECK(scalar("SELECT count(*) FROM audit_events_default") == "0");
  CHECK(scalar("SELECT count(*) FROM audit_events_p202311") == "1");
  CHECK(std::stoi(scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit_events'::regclass")) >= 5);
  // New events continue the ids, and the guards hold on every partition.
  AuditEvent e;
  e.actor = "uid:0";
  e.action = "sync.orders";
  ManualClock clock{Clock::time_point(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))};
  CHECK(f.run(record_audit(*f.pool, clock, e)).value() == 4);
  for (const char* sql : {"UPDATE audit_events_p202311 SET rows = 1", "TRUNCATE audit_events_p202311",
                          "DELETE FROM audit_events WHERE id = 4"}) {
    INFO(sql);
    CHECK_FALSE(f.run(f.pool->query(sql)));
  }
}
