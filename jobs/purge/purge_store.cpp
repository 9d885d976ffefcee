// Owns the purge's SQL (see purge_store.hpp): every statement on raw_payloads' partitions and on
// purge_runs is in this file.
#include "jobs/purge/purge_store.hpp"

#include "pg/errc.hpp"
#include "pg/pool.hpp"

#include <cstdio>

namespace blazed::jobs::purge {

namespace asio = boost::asio;

namespace {

constexpr const char* kEnsure =
    "SELECT count(*) FILTER (WHERE made) FROM (SELECT raw_payloads_ensure_partition(d::date) AS made "
    "FROM generate_series($1::date, $2::date, interval '1 day') AS d) AS days";

// Every table named like a day partition, with whether and how it is attached.
constexpr const char* kPartitions =
    "SELECT c.relname, i.inhrelid IS NOT NULL, coalesce(i.inhdetachpending, false) "
    "FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
    "WHERE c.relkind = 'r' AND c.relname ~ '^raw_payloads_p[0-9]{8}$' AND pg_table_is_visible(c.oid) "
    "ORDER BY c.relname";

constexpr const char* kTryLock = "SELECT pg_try_advisory_lock(hashtext('blazed.pii_purge'))";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock(hashtext('blazed.pii_purge'))";

constexpr const char* kOpenRun =
    "INSERT INTO purge_runs (instance_id, started_at, cutoff, updated_at) VALUES ($1, $2, $3, $2) "
    "ON CONFLICT ((true)) WHERE finished_at IS NULL DO UPDATE SET resumed = purge_runs.resumed + 1, "
    "cutoff = greatest(purge_runs.cutoff, EXCLUDED.cutoff), updated_at = EXCLUDED.updated_at "
    "RETURNING id, started_at, dropped_partitions, dropped_rows, deleted_rows, resumed";

constexpr const char* kAddDropped =
    "UPDATE purge_runs SET dropped_partitions = dropped_partitions + 1, dropped_rows = dropped_rows + $2, "
    "updated_at = $3 WHERE id = $1";

// Bounded: a batch at a time, oldest first, from the boundary day's own partition (by its
// received_at index, rows by ctid). Through the parent, the DELETE side joined the batch's keys
// against every partition: ~4 s per 5,000 rows with 50 days of 100,000 rows (bench/purge).
constexpr const char* kDeleteBatch =
    "DELETE FROM {part} WHERE ctid = ANY(ARRAY("
    "  SELECT ctid FROM {part} WHERE received_at < $1 ORDER BY received_at LIMIT $2))";

constexpr const char* kAddDeleted =
    "UPDATE purge_runs SET deleted_rows = deleted_rows + $2, updated_at = $3 WHERE id = $1";

constexpr const char* kFinishRun =
    "UPDATE purge_runs SET finished_at = $2, updated_at = $2 WHERE id = $1 AND finished_at IS NULL "
    "RETURNING id, started_at, dropped_partitions, dropped_rows, deleted_rows, resumed";

constexpr const char* kOldest = "SELECT min(received_at) FROM raw_payloads";

// raw_payloads_pYYYYMMDD -> its day; nullopt for any other name.
std::optional<Day> partition_day(const std::string& name) {
  constexpr std::string_view prefix = "raw_payloads_p";
  if (name.size() != prefix.size() + 8 || !name.starts_with(prefix)) return std::nullopt;
  unsigned y = 0, m = 0, d = 0;
  if (std::sscanf(name.c_str() + prefix.size(), "%4u%2u%2u", &y, &m, &d) != 3) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(y)), std::chrono::month(m),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return std::nullopt;
  return Day{ymd};
}

Result<PurgeRunRow> run_row(const pg::Rows& rows) {
  if (rows.size() != 1) return make_error(pg::errc::pg_decode, "expected one purge run row");
  PurgeRunRow r;
  auto id = rows[0].get<std::int64_t>(0);
  auto started = rows[0].get<Clock::time_point>(1);
  auto parts = rows[0].get<std::int64_t>(2);
  auto dropped = rows[0].get<std::int64_t>(3);
  auto deleted = rows[0].get<std::int64_t>(4);
  auto resumed = rows[0].get<int>(5);
  if (!id || !started || !parts || !dropped || !deleted || !resumed)
    return make_error(pg::errc::pg_decode, "unreadable purge run row");
  r.id = *id;
  r.started_at = *started;
  r.dropped_partitions = *parts;
  r.dropped_rows = *dropped;
  r.deleted_rows = *deleted;
  r.resumed = *resumed;
  return r;
}

}  // namespace

Day day_of(Clock::time_point t) { return std::chrono::floor<std::chrono::days>(t); }

std::string day_text(Day d) {
  const std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

asio::awaitable<Result<std::int64_t>> ensure_partitions(pg::Executor& db, Day from, Day to) {
  auto rows = co_await db.query(kEnsure, day_text(from), day_text(to));
  if (!rows) co_return rows.error().context("making raw_payloads partitions");
  co_return rows->scalar<std::int64_t>();
}

asio::awaitable<Result<std::vector<DayPartition>>> list_partitions(pg::Executor& db) {
  auto rows = co_await db.query(kPartitions);
  if (!rows) co_return rows.error().context("listing raw_payloads partitions");
  std::vector<DayPartition> out;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    auto name = (*rows)[i].get<std::string>(0);
    auto attached = (*rows)[i].get<bool>(1);
    auto pending = (*rows)[i].get<bool>(2);
    if (!name || !attached || !pending) co_return make_error(pg::errc::pg_decode, "unreadable partition row");
    auto day = partition_day(*name);
    if (!day) continue;
    out.push_back(DayPartition{*name, *day, *attached, *pending});
  }
  co_return out;
}

asio::awaitable<Result<bool>> try_purge_lock(pg::Session& s) {
  auto rows = co_await s.query(kTryLock);
  if (!rows) co_return rows.error();
  co_return rows->scalar<bool>();
}

asio::awaitable<Status> release_purge_lock(pg::Session& s) {
  auto rows = co_await s.query(kUnlock);
  if (!rows) co_return rows.error();
  co_return Status{};
}

asio::awaitable<Status> set_lock_timeout(pg::Session& s, std::chrono::milliseconds timeout) {
  // SET takes no parameters; the value is a number this process computed.
  auto rows = co_await s.query("SET lock_timeout = " + std::to_string(timeout.count()));
  if (!rows) co_return rows.error();
  co_return Status{};
}

asio::awaitable<Result<PurgeRunRow>> open_run(pg::Executor& db, const std::string& instance_id,
                                              Clock::time_point now, Clock::time_point cutoff) {
  auto rows = co_await db.query(kOpenRun, instance_id, now, cutoff);
  if (!rows) co_return rows.error().context("opening the purge run");
  co_return run_row(*rows);
}

asio::awaitable<Status> detach_partition(pg::Session& s, const DayPartition& p) {
  // The name was read from pg_class and matched ^raw_payloads_p[0-9]{8}$: nothing to quote.
  const std::string sql = "ALTER TABLE raw_payloads DETACH PARTITION " + p.name +
                          (p.detach_pending ? " FINALIZE" : " CONCURRENTLY");
  auto rows = co_await s.query(sql);
  if (!rows) co_return rows.error().context("detaching " + p.name);
  co_return Status{};
}

asio::awaitable<Result<std::int64_t>> drop_detached(pg::Session& s, std::int64_t run_id, const std::string& name,
                                                    Clock::time_point now) {
  if (!partition_day(name)) co_return make_error(pg::errc::pg_decode, "not a raw_payloads partition: " + name);
  std::int64_t dropped = 0;
  auto st = co_await s.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto counted = co_await tx.query("SELECT count(*) FROM " + name);
    if (!counted) co_return counted.error();
    auto n = counted->scalar<std::int64_t>();
    if (!n) co_return n.error();
    dropped = *n;
    if (auto drop = co_await tx.query("DROP TABLE " + name); !drop) co_return drop.error();
    if (auto add = co_await tx.query(kAddDropped, run_id, dropped, now); !add) co_return add.error();
    co_return Status{};
  });
  if (!st) co_return st.error().context("dropping " + name);
  co_return dropped;
}

asio::awaitable<Result<std::int64_t>> delete_expired_batch(pg::Session& s, std::int64_t run_id,
                                                           const std::string& partition, Clock::time_point cutoff,
                                                           std::int64_t batch, Clock::time_point now) {
  if (!partition_day(partition))
    co_return make_error(pg::errc::pg_decode, "not a raw_payloads partition: " + partition);
  // The name matched ^raw_payloads_p[0-9]{8}$: nothing to quote.
  std::string sql = kDeleteBatch;
  for (auto at = sql.find("{part}"); at != std::string::npos; at = sql.find("{part}"))
    sql.replace(at, 6, partition);
  std::int64_t deleted = 0;
  auto st = co_await s.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto rows = co_await tx.query(sql, cutoff, batch);
    if (!rows) co_return rows.error();
    deleted = static_cast<std::int64_t>(rows->affected());
    if (deleted == 0) co_return Status{};
    if (auto add = co_await tx.query(kAddDeleted, run_id, deleted, now); !add) co_return add.error();
    co_return Status{};
  });
  if (!st) co_return st.error().context("deleting expired raw payloads");
  co_return deleted;
}

asio::awaitable<Result<PurgeRunRow>> finish_run(pg::Session& s, std::int64_t run_id, const Clock& clock,
                                                pg::AuditEvent event) {
  Result<PurgeRunRow> finished = make_error(pg::errc::pg_decode, "purge run not finished");
  auto st = co_await s.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto rows = co_await tx.query(kFinishRun, run_id, clock.now());
    if (!rows) co_return rows.error();
    finished = run_row(*rows);
    if (!finished) co_return finished.error();
    event.rows = finished->dropped_rows + finished->deleted_rows;
    event.detail["run_id"] = finished->id;
    event.detail["dropped_partitions"] = finished->dropped_partitions;
    event.detail["dropped_rows"] = finished->dropped_rows;
    event.detail["deleted_rows"] = finished->deleted_rows;
    event.detail["resumed"] = finished->resumed;
    auto audit = co_await pg::record_audit(tx, clock, event);
    if (!audit) co_return audit.error();
    co_return Status{};
  });
  if (!st) co_return st.error().context("finishing the purge run");
  co_return finished;
}

asio::awaitable<Result<std::optional<Clock::time_point>>> oldest_raw_payload(pg::Executor& db) {
  auto rows = co_await db.query(kOldest);
  if (!rows) co_return rows.error();
  co_return rows->scalar<std::optional<Clock::time_point>>();
}

}  // namespace blazed::jobs::purge
