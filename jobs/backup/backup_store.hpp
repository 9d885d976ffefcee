// Owns the statements on backup_runs (migration 0050): a run's row inserted when it starts and
// finished when it ends, the latest runs for backup.list, and the last finished drill (the
// compliance report's RTO evidence).
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "pg/executor.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blazed::jobs::backup {

struct RunStart {
  std::string kind;  // backup, prune, restore, drill
  std::optional<std::string> backup_id;
  std::optional<std::int64_t> job_id;
  std::string instance_id;
  Clock::time_point started_at;
};

struct RunEnd {
  bool success = false;
  std::optional<std::string> backup_id;
  std::optional<std::string> error_code;
  std::optional<std::int64_t> object_bytes;
  std::optional<std::int64_t> dump_bytes;
  boost::json::object detail;
  Clock::time_point finished_at;
};

struct RunRow {
  std::int64_t id = 0;
  std::string kind;
  std::optional<std::string> backup_id;
  std::string instance_id;
  Clock::time_point started_at;
  std::optional<Clock::time_point> finished_at;
  std::optional<std::string> outcome;
  std::optional<std::string> error_code;
};

boost::asio::awaitable<Result<std::int64_t>> insert_run(pg::Executor& db, const RunStart& run);
boost::asio::awaitable<Status> finish_run(pg::Executor& db, std::int64_t id, const RunEnd& end);
// The newest `limit` runs, newest first.
boost::asio::awaitable<Result<std::vector<RunRow>>> latest_runs(pg::Executor& db, int limit);

// The newest finished restore drill: when, how it went, and how long the restore and checks took
// (nullopt when it failed before timing anything).
struct DrillRow {
  Clock::time_point finished_at;
  bool success = false;
  std::optional<std::string> error_code;
  std::optional<std::chrono::milliseconds> duration;
};
boost::asio::awaitable<Result<std::optional<DrillRow>>> last_drill(pg::Executor& db);

}  // namespace blazed::jobs::backup
