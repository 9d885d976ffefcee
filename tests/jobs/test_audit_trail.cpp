// Tests the audit duty on a real PostgreSQL: month partitions made ahead and whole months dropped
// on time across a month boundary (manual clock), the prune function's floor of 365 days whatever
// it is asked, the migration of existing events into months, and the auditor's export (filters,
// pages, JSON lines, no PII).
#include "control/registry.hpp"
#include "harness/catch_result.hpp"
#include "jobs/audit/audit_export.hpp"
#include "jobs/audit/audit_maintenance.hpp"
#include "jobs/job_world.hpp"
#include "pg/audit.hpp"
#include "pg/param.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

using namespace blazed;
using namespace blazed::testing;
using namespace std::chrono;
namespace json = boost::json;

namespace {

// The first instant of the month `back` months before the current one (UTC).
Clock::time_point month_start(int back) {
  const year_month_day today{floor<days>(system_clock::now())};
  const year_month m = year_month{today.year(), today.month()} - months(back);
  return Clock::time_point(sys_days{m / 1});
}

std::int64_t count(JobWorld& w, const std::string& sql) { return std::stoll(*w.db.exec(sql).at(0).at(0)); }

void record(JobWorld& w, Clock::time_point at, std::int64_t seller, const std::string& action = "sync.orders") {
  pg::AuditEvent e;
  e.actor = "instance:test";
  e.action = action;
  e.seller_id = seller;
  e.data_type = "orders";
  e.rows = 1;
  e.occurred_at = at;
  REQUIRE(run_coro(w.io, pg::record_audit(*w.pool, w.clock, e)));
}

std::vector<sys_days> partitions(JobWorld& w) { return run_coro(w.io, pg::audit_partitions(*w.pool)).value(); }

bool has_month(const std::vector<sys_days>& parts, Clock::time_point t) {
  return std::find(parts.begin(), parts.end(), floor<days>(t)) != parts.end();
}

}  // namespace

TEST_CASE("audit months are made ahead and dropped on time across a month boundary", "[pg][audit]") {
  JobWorld w{{"k1"}, "k1"};
  // Month X began 15 months ago: its retention of 400 days ends in the past of the database's clock.
  const auto x = month_start(15);
  w.clock.set(x - seconds(1));  // the last second of month X-1
  REQUIRE(run_coro(w.io, jobs::audit::make_partitions_ahead(*w.pool, w.clock)).value() == 4);
  auto parts = partitions(w);
  CHECK(has_month(parts, month_start(16)));
  CHECK(has_month(parts, month_start(13)));
  CHECK_FALSE(has_month(parts, month_start(12)));
  // Across the boundary: month X is this month now, and X+3 is made; nothing is made twice.
  w.clock.advance(seconds(2));
  CHECK(run_coro(w.io, jobs::audit::make_partitions_ahead(*w.pool, w.clock)).value() == 1);
  CHECK(has_month(partitions(w), month_start(12)));
  CHECK(run_coro(w.io, jobs::audit::make_partitions_ahead(*w.pool, w.clock)).value() == 0);

  record(w, x - hours(1), 1);
  record(w, x - days(20), 2);
  record(w, x + hours(1), 1);
  CHECK(count(w, "SELECT count(*) FROM audit_events_default") == 0);  // each went to its month

  // Month X-1 ends at x: with 400 days of retention it goes at x + 400 days, not a second before.
  const auto retention = days(400);
  w.clock.set(x + retention - seconds(1));
  CHECK(run_coro(w.io, jobs::audit::prune_expired(*w.pool, w.clock, retention, "instance:test")).value() == 0);
  CHECK(has_month(partitions(w), month_start(16)));
  w.clock.set(x + retention);
  CHECK(run_coro(w.io, jobs::audit::prune_expired(*w.pool, w.clock, retention, "instance:test")).value() == 2);
  parts = partitions(w);
  CHECK_FALSE(has_month(parts, month_start(16)));
  CHECK(has_month(parts, month_start(15)));
  CHECK(count(w, "SELECT count(*) FROM audit_events WHERE action = 'sync.orders'") == 1);
  // The prune itself is audited.
  CHECK(count(w, "SELECT count(*) FROM audit_events WHERE action = 'audit.prune' AND rows = 2") == 1);
}

TEST_CASE("the prune function never removes events younger than 365 days, whatever it is asked", "[pg][audit]") {
  JobWorld w{{"k1"}, "k1"};
  const auto now = Clock::time_point(floor<seconds>(system_clock::now()));
  w.clock.set(now);
  for (int back : {14, 13, 12, 11, 10, 0})
    REQUIRE(run_coro(w.io, pg::ensure_audit_partitions(*w.pool, floor<days>(month_start(back)),
                                                       floor<days>(month_start(back)))));
  record(w, now - days(420), 1);   // its whole month is older than 365 days
  record(w, now - days(300), 1);   // kept: younger than 365 days
  record(w, now - days(10), 1);
  // Asked directly (as the daemon's role could) for 30 days, or for a time far ahead: the floor holds.
  CHECK(count(w, "SELECT audit_events_prune(interval '30 days')") == 1);
  CHECK(count(w, "SELECT audit_events_prune(interval '1 day', now() + interval '3 years')") == 0);
  CHECK(count(w, "SELECT count(*) FROM audit_events") == 2);
  CHECK(count(w, "SELECT count(*) FROM audit_events WHERE occurred_at > now() - interval '365 days'") == 2);
  // The daemon's own call refuses less than 365 days outright.
  auto refused = run_coro(w.io, pg::prune_audit(*w.pool, w.clock, days(30)));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "audit_retention");
  // And the table refuses any direct delete of a young event, partition or not.
  CHECK_FALSE(run_coro(w.io, w.pool->query("DELETE FROM audit_events")));
  CHECK(count(w, "SELECT count(*) FROM audit_events") == 2);
}

TEST_CASE("the auditor's export filters by seller and time, pages, and carries no PII", "[pg][audit]") {
  JobWorld w{{"k1"}, "k1"};
  control::CommandRegistry registry;
  REQUIRE(jobs::audit::register_audit_commands(registry, *w.ctx));
  const auto t0 = w.clock.now();
  for (int i = 0; i < 5; ++i) record(w, t0 + minutes(i), 7);
  record(w, t0 + minutes(2), 8);
  record(w, t0 + hours(5), 7);  // after the period
  // A canary written around record_audit, straight into the table.
  w.db.exec("INSERT INTO audit_events (occurred_at, actor, action, seller_id, outcome, detail) VALUES ('" +
            *pg::to_text(t0 + minutes(3)) + "', 'instance:test', 'sync.orders', 7, 'success', "
            "'{\"buyer\": \"zyxcanary@example.net\"}')");

  // Page by page, as blazectl does, three events at a time.
  json::object args{{"since", "2023-11-14T00:00:00Z"}, {"until", "2023-11-15T00:00:00Z"}, {"seller_id", "7"}, {"limit", 3}};
  std::vector<std::string> lines;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = w.call(registry, "audit.export", args);
    REQUIRE(page);
    for (const auto& e : page->at("events").as_array()) lines.push_back(json::serialize(e));
    if (!page->at("next").is_object()) break;
    for (const auto& [k, v] : page->at("next").as_object()) args[k] = v;
  }
  REQUIRE(lines.size() == 6);  // seller 7's five events and the canary row, not seller 8's, not later ones
  std::string previous;
  for (const auto& line : lines) {
    INFO(line);
    CHECK(line.find("zyxcanary") == std::string::npos);
    CHECK(line.find('\n') == std::string::npos);
    auto v = json::parse(line);
    REQUIRE(v.is_object());
    CHECK(v.at("seller_id").as_int64() == 7);
    CHECK(std::string(v.at("occurred_at").as_string()) >= previous);
    previous = std::string(v.at("occurred_at").as_string());
  }

  auto backwards = w.call(registry, "audit.export", {{"since", "2023-11-15"}, {"until", "2023-11-14"}});
  REQUIRE_FALSE(backwards);
  CHECK(backwards.error().code == "audit_export_range");
  auto no_zone = w.call(registry, "audit.export", {{"since", "2023-11-14T00:00"}, {"until", "2023-11-15"}});
  REQUIRE_FALSE(no_zone);
  CHECK(no_zone.error().code == "bad_args");
}
