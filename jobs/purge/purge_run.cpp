// Owns one run of the PII purge (see purge_run.hpp).
#include "jobs/purge/purge_run.hpp"

#include "jobs/purge/errc.hpp"
#include "jobs/purge/purge_store.hpp"
#include "pg/pool.hpp"

#include <algorithm>

namespace blazed::jobs::purge {

namespace asio = boost::asio;

namespace {

void report_step(const PurgeOptions& o, const PurgeReport& r) {
  if (o.on_step) o.on_step(PurgeProgress{r.dropped_partitions, r.dropped_rows, r.deleted_rows});
}

// The purge proper, on a session that holds the purge lock.
asio::awaitable<Result<PurgeReport>> purge_locked(pg::Session& s, const Clock& clock, const PurgeOptions& o) {
  PurgeReport report;
  const Clock::time_point now = clock.now();
  report.cutoff = now - o.retention;
  const Day today = day_of(now);
  auto made = co_await ensure_partitions(s, today, today + std::chrono::days(o.days_ahead));
  if (!made) co_return made.error();
  report.partitions_made = *made;

  auto run = co_await open_run(s, o.instance_id, now, report.cutoff);
  if (!run) co_return run.error();
  report.run_id = run->id;
  report.resumed = run->resumed;
  report.dropped_partitions = run->dropped_partitions;
  report.dropped_rows = run->dropped_rows;
  report.deleted_rows = run->deleted_rows;

  // Whole days: every row of the partition is older than the cutoff.
  auto parts = co_await list_partitions(s);
  if (!parts) co_return parts.error();
  for (const auto& p : *parts) {
    if (Clock::time_point(p.day + std::chrono::days(1)) > report.cutoff) continue;
    if (p.attached) {
      if (auto st = co_await detach_partition(s, p); !st) co_return st.error();
    }
    auto dropped = co_await drop_detached(s, report.run_id, p.name, clock.now());
    if (!dropped) co_return dropped.error();
    ++report.dropped_partitions;
    report.dropped_rows += *dropped;
    report_step(o, report);
  }

  // The boundary day: its expired rows, a bounded batch per transaction, from its own partition
  // (none: no row was received that day).
  const Day boundary = day_of(report.cutoff);
  const auto day = std::find_if(parts->begin(), parts->end(),
                                [&](const DayPartition& p) { return p.day == boundary && p.attached; });
  while (day != parts->end()) {
    auto n = co_await delete_expired_batch(s, report.run_id, day->name, report.cutoff, o.batch_size, clock.now());
    if (!n) co_return n.error();
    if (*n == 0) break;
    report.deleted_rows += *n;
    report_step(o, report);
    if (*n < o.batch_size) break;
  }

  pg::AuditEvent event;
  event.actor = o.actor;
  event.action = "purge.pii";
  event.data_type = "raw_payloads";
  auto finished = co_await finish_run(s, report.run_id, clock, std::move(event));
  if (!finished) co_return finished.error();
  co_return report;
}

}  // namespace

asio::awaitable<Result<PurgeReport>> run_purge(pg::PgPool& pool, const Clock& clock, const PurgeOptions& options) {
  Result<PurgeReport> out = make_error(errc::purge_running, "another purge is running");
  auto st = co_await pool.with_session([&](pg::Session& s) -> asio::awaitable<Status> {
    auto locked = co_await try_purge_lock(s);
    if (!locked) co_return locked.error();
    if (!*locked) co_return Status{};
    if (auto t = co_await set_lock_timeout(s, options.lock_timeout); !t) co_return t.error();
    out = co_await purge_locked(s, clock, options);
    // The session goes back to the pool: leave it as found (a failure here drops the connection,
    // which ends the lock and the setting as well).
    if (auto t = co_await set_lock_timeout(s, std::chrono::milliseconds(0)); !t) co_return t.error();
    if (auto u = co_await release_purge_lock(s); !u) co_return u.error();
    co_return Status{};
  });
  if (!st) co_return st.error().context("purge");
  co_return out;
}

}  // namespace blazed::jobs::purge
