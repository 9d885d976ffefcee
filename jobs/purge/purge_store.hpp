// Owns every SQL statement on raw_payloads' partitions and on purge_runs (migration 0060): making
// day partitions ahead, listing them, detaching and dropping an expired day, deleting the boundary
// day's expired rows in batches, the run ledger and its audit event, and the oldest payload's age.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "pg/audit.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blazed::pg {
class Executor;
class Session;
}  // namespace blazed::pg

namespace blazed::jobs::purge {

using Day = std::chrono::sys_days;

// The UTC day a time falls on, and its text YYYY-MM-DD.
Day day_of(Clock::time_point t);
std::string day_text(Day d);

// Makes (and attaches) the partition of every day in [from, to] that has none; returns how many
// it made. Takes no lock a writer of raw_payloads waits on (docs/purge.md).
boost::asio::awaitable<Result<std::int64_t>> ensure_partitions(pg::Executor& db, Day from, Day to);

// A table raw_payloads_pYYYYMMDD: attached (a partition), detaching (DETACH ... CONCURRENTLY was
// interrupted) or detached (a killed purge detached it and did not drop it yet).
struct DayPartition {
  std::string name;
  Day day;
  bool attached = false;
  bool detach_pending = false;
};
boost::asio::awaitable<Result<std::vector<DayPartition>>> list_partitions(pg::Executor& db);

// Session-wide settings of the purge: an advisory lock (false: another purge holds it) and a lock
// timeout, so a DDL step gives up rather than queue in front of a writer.
boost::asio::awaitable<Result<bool>> try_purge_lock(pg::Session& s);
boost::asio::awaitable<Status> release_purge_lock(pg::Session& s);
boost::asio::awaitable<Status> set_lock_timeout(pg::Session& s, std::chrono::milliseconds timeout);

// The open run, or a new one; a run left open by a killed purge is taken over (resumed + 1) and
// keeps its counts.
struct PurgeRunRow {
  std::int64_t id = 0;
  Clock::time_point started_at;
  std::int64_t dropped_partitions = 0;
  std::int64_t dropped_rows = 0;
  std::int64_t deleted_rows = 0;
  int resumed = 0;
};
boost::asio::awaitable<Result<PurgeRunRow>> open_run(pg::Executor& db, const std::string& instance_id,
                                                     Clock::time_point now, Clock::time_point cutoff);

// Detaches an attached partition (CONCURRENTLY: two transactions, outside any) or finishes an
// interrupted detach (FINALIZE). Must not run inside a transaction.
boost::asio::awaitable<Status> detach_partition(pg::Session& s, const DayPartition& p);
// In one transaction: counts a detached partition's rows, drops it, adds both to the run.
// Returns the rows dropped.
boost::asio::awaitable<Result<std::int64_t>> drop_detached(pg::Session& s, std::int64_t run_id,
                                                           const std::string& name, Clock::time_point now);
// In one transaction: deletes at most `batch` rows received before `cutoff` from one day's
// partition (the boundary day's) and adds them to the run. Returns the rows deleted.
boost::asio::awaitable<Result<std::int64_t>> delete_expired_batch(pg::Session& s, std::int64_t run_id,
                                                                  const std::string& partition, Clock::time_point cutoff,
                                                                  std::int64_t batch, Clock::time_point now);
// In one transaction: the run finished and its audit event (so the event is recorded once).
// Returns the run as finished.
boost::asio::awaitable<Result<PurgeRunRow>> finish_run(pg::Session& s, std::int64_t run_id, const Clock& clock,
                                                       pg::AuditEvent event);

// received_at of the oldest raw payload; nullopt when there is none.
boost::asio::awaitable<Result<std::optional<Clock::time_point>>> oldest_raw_payload(pg::Executor& db);

}  // namespace blazed::jobs::purge
