// Tests the PII purge on a real PostgreSQL: the 30-day boundary (29 d 23 h kept, 30 d 1 h gone)
// while another process stores pages the way the sync does, a purge SIGKILLed mid-run and resumed
// (every expired row counted once in its audit event), a day left detached by a killed purge, a
// detach killed half-way (finished by the next run), the age metric, and the migration's
// partitioned table.
#include "crypto/key_file.hpp"
#include "harness/eventually.hpp"
#include "harness/line_child.hpp"
#include "harness/postgres.hpp"
#include "harness/run_coro.hpp"
#include "harness/temp_dir.hpp"
#include "jobs/purge/purge_metrics.hpp"
#include "jobs/purge/purge_run.hpp"
#include "jobs/purge/purge_store.hpp"
#include "metrics/registry.hpp"
#include "pg/migrate.hpp"
#include "pg/pool.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <libpq-fe.h>
#include <sys/stat.h>

#include <thread>

using namespace blazed;
using namespace blazed::testing;
namespace asio = boost::asio;
using namespace std::chrono;

namespace {

// 2026-03-10 12:00 UTC: the cutoff (30 days before) falls at noon of 2026-02-08.
const Clock::time_point kNow = sys_days{2026y / March / 10} + 12h;
const std::string kNowSql = "'2026-03-10 12:00:00+00'::timestamptz";

struct World {
  TempDir keydir{"blazed-purge-keys"};
  PgDatabase db;
  asio::io_context io;
  ManualClock clock{kNow};
  std::unique_ptr<pg::PgPool> pool;

  World() {
    ::chmod(keydir.path().c_str(), 0700);
    REQUIRE(crypto::generate_key_file(keydir.path(), "k1").has_value());
    config::PostgresConfig cfg;
    cfg.dsn = db.dsn();
    cfg.pool_size = 2;
    pool = std::make_unique<pg::PgPool>(io.get_executor(), cfg, Secret{});
    REQUIRE(run_coro(io, pg::migrate(*pool)).has_value());
    db.exec("INSERT INTO sellers (region) VALUES ('na')");
  }
  ~World() { pool->stop(); }

  std::int64_t count(const std::string& sql) const { return std::stoll(*db.exec(sql).at(0).at(0)); }

  // `rows` payloads received at `age_sql` before now, one second apart going back (`step` "-") or
  // forward ("+"), in the partition of their day.
  void seed(long rows, const std::string& age_sql, const std::string& step = "-") {
    const std::string at = "(" + kNowSql + " - interval '" + age_sql + "' " + step + " g * interval '1 second')";
    db.exec("SELECT DISTINCT raw_payloads_ensure_partition((" + at + " AT TIME ZONE 'UTC')::date) "
            "FROM generate_series(1, " + std::to_string(rows) + ") g");
    db.exec("INSERT INTO raw_payloads (id, seller_id, data_type, received_at, key_id, ciphertext) "
            "SELECT nextval('raw_payloads_id_seq'), 1, 'orders', " + at + ", 'k1', '\\x00' "
            "FROM generate_series(1, " + std::to_string(rows) + ") g");
  }

  jobs::purge::PurgeOptions options(std::int64_t batch) const {
    jobs::purge::PurgeOptions o;
    o.batch_size = batch;
    o.instance_id = "test";
    o.actor = "instance:test";
    return o;
  }

  std::vector<std::string> writer() const {
    return {PURGE_HELPER, "write", db.dsn(), keydir.path().string(), "k1",
            std::to_string(duration_cast<seconds>(kNow.time_since_epoch()).count()), "1"};
  }
  std::vector<std::string> purger(long batch, long stop_after_deleted) const {
    return {PURGE_HELPER, "purge", db.dsn(), std::to_string(duration_cast<seconds>(kNow.time_since_epoch()).count()),
            std::to_string(batch), std::to_string(stop_after_deleted)};
  }
};

bool starts_with(const std::optional<std::string>& line, std::string_view prefix) {
  return line && line->starts_with(prefix);
}

}  // namespace

TEST_CASE("the 30-day boundary holds while pages are written; a killed purge resumes and counts once", "[pg]") {
  World w;
  w.seed(500, "40 days");          // 2026-01-29: a whole expired day
  w.seed(500, "31 days");          // 2026-02-07: a whole expired day
  w.seed(1000, "30 days 1 hour");  // 2026-02-08 before the cutoff: deleted in batches
  w.seed(200, "29 days 23 hours", "+");  // 2026-02-08 after the cutoff: kept
  w.seed(100, "1 day");            // kept
  const std::string cutoff = "(" + kNowSql + " - interval '30 days')";
  REQUIRE(w.count("SELECT count(*) FROM raw_payloads WHERE received_at < " + cutoff) == 2000);
  // A purge killed between detaching a day and dropping it left the day detached.
  w.db.exec("ALTER TABLE raw_payloads DETACH PARTITION raw_payloads_p20260129");

  LineChild writer(w.writer());
  REQUIRE(writer.line() == std::optional<std::string>("started"));

  {
    LineChild purger(w.purger(100, 300));
    std::optional<std::string> line;
    do {
      line = purger.line();
      REQUIRE(starts_with(line, "step "));
    } while (std::stoll(line->substr(line->rfind(' ') + 1)) < 300);
    purger.signal(SIGKILL);
    CHECK(purger.wait() == -SIGKILL);
  }
  CHECK(w.count("SELECT count(*) FROM purge_runs WHERE finished_at IS NULL") == 1);
  CHECK(w.count("SELECT count(*) FROM audit_events WHERE action = 'purge.pii'") == 0);
  const auto left = w.count("SELECT count(*) FROM raw_payloads WHERE received_at < " + cutoff);
  CHECK(left > 0);
  CHECK(left <= 700);

  auto report = run_coro(w.io, jobs::purge::run_purge(*w.pool, w.clock, w.options(100)));
  REQUIRE(report.has_value());
  CHECK(report->resumed == 1);
  CHECK(report->dropped_partitions == 2);
  CHECK(report->dropped_rows == 1000);
  CHECK(report->deleted_rows == 1000);

  writer.signal(SIGTERM);
  auto pages = writer.line();
  CHECK(writer.wait() == 0);
  REQUIRE(starts_with(pages, "pages "));
  const long written = std::stol(pages->substr(6));

  // Nothing expired is left; everything younger is, including every page the writer committed.
  CHECK(w.count("SELECT count(*) FROM raw_payloads WHERE received_at < " + cutoff) == 0);
  CHECK(w.count("SELECT count(*) FROM raw_payloads WHERE received_at >= " + cutoff + " AND received_at < " +
                kNowSql + " - interval '29 days 22 hours'") == 200);
  CHECK(w.count("SELECT count(*) FROM raw_payloads WHERE received_at = " + kNowSql) == written);
  CHECK(w.count("SELECT count(*) FROM raw_payloads") == 300 + written);
  CHECK(w.count("SELECT count(*) FROM pg_class WHERE relname IN ('raw_payloads_p20260129', 'raw_payloads_p20260207')") == 0);
  CHECK(w.count("SELECT count(*) FROM pg_inherits WHERE inhrelid = 'raw_payloads_p20260208'::regclass") == 1);

  // One audit event for the run, counting each expired row once.
  auto audit = w.db.exec("SELECT rows, actor, detail->>'resumed', detail->>'dropped_partitions', seller_id IS NULL "
                         "FROM audit_events WHERE action = 'purge.pii'");
  REQUIRE(audit.size() == 1);
  CHECK(*audit[0][0] == "2000");
  CHECK(*audit[0][1] == "instance:test");
  CHECK(*audit[0][2] == "1");
  CHECK(*audit[0][3] == "2");
  CHECK(*audit[0][4] == "t");
  CHECK(w.count("SELECT count(*) FROM purge_runs WHERE finished_at IS NULL") == 0);

  // The next run finds nothing to do and says so.
  auto again = run_coro(w.io, jobs::purge::run_purge(*w.pool, w.clock, w.options(100)));
  REQUIRE(again.has_value());
  CHECK(again->resumed == 0);
  CHECK(again->dropped_rows + again->deleted_rows == 0);
  CHECK(w.count("SELECT rows FROM audit_events WHERE action = 'purge.pii' ORDER BY id DESC LIMIT 1") == 0);
}

TEST_CASE("partitions are made ahead; the purge lock keeps one purge at a time", "[pg]") {
  World w;
  auto report = run_coro(w.io, jobs::purge::run_purge(*w.pool, w.clock, w.options(100)));
  REQUIRE(report.has_value());
  CHECK(report->partitions_made == 8);  // 2026-03-10 and the 7 days after (the clock is not the migration's)
  CHECK(w.count("SELECT count(*) FROM pg_inherits WHERE inhparent = 'raw_payloads'::regclass AND inhrelid IN "
                "('raw_payloads_p20260310'::regclass, 'raw_payloads_p20260317'::regclass)") == 2);
  CHECK(run_coro(w.io, jobs::purge::ensure_partitions(*w.pool, jobs::purge::day_of(kNow),
                                                      jobs::purge::day_of(kNow) + days(7))) == 0);

  // Another session (held on the pool) has the purge lock: this run does nothing.
  auto st = run_coro(w.io, w.pool->with_session([&](pg::Session& s) -> asio::awaitable<Status> {
    auto locked = co_await jobs::purge::try_purge_lock(s);
    REQUIRE(locked.has_value());
    REQUIRE(*locked);
    auto other = co_await jobs::purge::run_purge(*w.pool, w.clock, w.options(100));
    CHECK_FALSE(other.has_value());
    if (!other) CHECK(other.error().code == "purge_running");
    co_return co_await jobs::purge::release_purge_lock(s);
  }));
  CHECK(st.has_value());
}

TEST_CASE("the oldest raw payload's age is a metric, 0 when there is none", "[pg]") {
  World w;
  metrics::Registry registry;
  jobs::purge::PurgeMetrics metrics(registry, w.clock);
  auto none = run_coro(w.io, jobs::purge::oldest_raw_payload(*w.pool));
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());
  metrics.record_oldest(*none);
  CHECK_THAT(registry.expose(), Catch::Contains("blazed_raw_payloads_oldest_age_seconds 0\n"));

  w.seed(1, "10 days", "+");  // received 10 days minus 1 s ago
  auto oldest = run_coro(w.io, jobs::purge::oldest_raw_payload(*w.pool));
  REQUIRE(oldest.has_value());
  metrics.record_oldest(*oldest);
  CHECK_THAT(registry.expose(), Catch::Contains("blazed_raw_payloads_oldest_age_seconds 863999\n"));
  w.clock.advance(hours(1));
  CHECK_THAT(registry.expose(), Catch::Contains("blazed_raw_payloads_oldest_age_seconds 867599\n"));
}

TEST_CASE("a detach killed half-way is finished by the next run", "[pg]") {
  World w;
  w.seed(300, "40 days");  // 2026-01-29
  w.seed(50, "1 day");
  // A reader's open transaction makes DETACH ... CONCURRENTLY wait in its second step; the purge's
  // backend is then terminated there (as when the daemon is SIGKILLed), which leaves the
  // partition attached with its detach pending.
  PGconn* reader = PQconnectdb(w.db.dsn().c_str());
  REQUIRE(PQstatus(reader) == CONNECTION_OK);
  PQclear(PQexec(reader, "BEGIN ISOLATION LEVEL REPEATABLE READ"));
  PQclear(PQexec(reader, "SELECT count(*) FROM raw_payloads"));
  std::thread detach([&] {
    try {
      w.db.exec("ALTER TABLE raw_payloads DETACH PARTITION raw_payloads_p20260129 CONCURRENTLY");
    } catch (const std::exception&) {
      // terminated: expected
    }
  });
  const std::string detaching = "SELECT pid FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE raw_payloads DETACH%' "
                                "AND wait_event_type = 'Lock'";
  CHECK(eventually([&] { return !w.db.exec(detaching).empty(); }));
  w.db.exec("SELECT pg_terminate_backend(pid) FROM (" + detaching + ") d");
  detach.join();
  PQclear(PQexec(reader, "COMMIT"));
  PQfinish(reader);
  REQUIRE(w.count("SELECT count(*) FROM pg_inherits WHERE inhrelid = 'raw_payloads_p20260129'::regclass "
                  "AND inhdetachpending") == 1);

  // A sync's insert still works meanwhile, and the next purge finishes the detach and drops the day.
  w.db.exec("SELECT raw_payloads_ensure_partition('2026-03-10')");
  w.db.exec("INSERT INTO raw_payloads (id, seller_id, data_type, received_at, key_id, ciphertext) "
            "VALUES (nextval('raw_payloads_id_seq'), 1, 'orders', " + kNowSql + ", 'k1', '\\x00')");
  auto report = run_coro(w.io, jobs::purge::run_purge(*w.pool, w.clock, w.options(100)));
  REQUIRE(report.has_value());
  CHECK(report->dropped_partitions == 1);
  CHECK(report->dropped_rows == 300);
  CHECK(w.count("SELECT count(*) FROM pg_class WHERE relname = 'raw_payloads_p20260129'") == 0);
  CHECK(w.count("SELECT count(*) FROM raw_payloads") == 51);
  CHECK(w.count("SELECT rows FROM audit_events WHERE action = 'purge.pii'") == 300);
}
