// Owns the restore drill: the newest good backup restored into a scratch database on the same
// server, checked (every table in the manifest present, row counts near the manifest's
// estimates), timed (RTO evidence), and the scratch database dropped whatever happened.
#pragma once

#include "core/error.hpp"
#include "core/secret.hpp"
#include "crypto/keyring.hpp"
#include "jobs/backup/manifest.hpp"
#include "jobs/backup/targets.hpp"
#include "pg/executor.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <string>

namespace blazed::jobs::backup {

struct DrillSettings {
  std::string dsn;   // the daemon's database: the scratch database is created beside it
  Secret password;
  std::string pg_restore = "pg_restore";
};

struct DrillResult {
  std::string backup_id;
  std::string scratch_database;
  std::chrono::milliseconds duration{0};  // restore and checks
  int tables_checked = 0;
  boost::json::object detail;             // per-table counts and estimates
};

// `admin` runs CREATE/DROP DATABASE. Errors: the restore's codes, backup_drill_check_failed
// (a table missing, or a count far from its estimate).
boost::asio::awaitable<Result<DrillResult>> run_drill(pg::Executor& admin, const DrillSettings& settings,
                                                      Target& target, const Manifest& manifest,
                                                      const crypto::Keyring& keyring);

// `dsn` pointing at database `name` (keyword/value or postgres:// URI).
std::string with_dbname(const std::string& dsn, const std::string& name);

}  // namespace blazed::jobs::backup
