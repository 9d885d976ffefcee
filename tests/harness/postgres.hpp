// Owns the PostgreSQL 15 fixtures for tests: a private cluster (initdb + postmaster on a free
// loopback port, always stopped), the shared per-process server, and throw-away databases.
#pragma once

#include "harness/temp_dir.hpp"

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace blazed::testing {

// Where a PostgreSQL server listens and whom to log in as (trust authentication, no password).
struct PgEndpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string user = "postgres";

  // A libpq keyword/value connection string for `dbname` on this server.
  [[nodiscard]] std::string dsn(std::string_view dbname) const;
};

class PgCluster;

// What a PgCluster serves beyond the defaults.
struct PgClusterOptions {
  // TLS (ssl=on) with this certificate and key, PEM files copied into the data directory.
  std::optional<std::filesystem::path> tls_cert = std::nullopt;
  std::optional<std::filesystem::path> tls_key = std::nullopt;
  // A streaming hot standby of this running cluster (pg_basebackup -R) instead of a fresh initdb.
  const PgCluster* standby_of = nullptr;
};

// A private cluster in a temporary directory. initdb refuses to run as root, so when the test runs
// as root the cluster is created and run as the `postgres` system user. The postmaster is a direct
// child (stopped by pid, and told to quit if the test process dies), and its log is kept in the
// temporary directory (log_path()) for post-mortems.
class PgCluster {
 public:
  PgCluster() : PgCluster(PgClusterOptions{}) {}
  // initdb (or pg_basebackup) + start; throws std::runtime_error with the log tail on failure.
  explicit PgCluster(const PgClusterOptions& options);
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  [[nodiscard]] const PgEndpoint& endpoint() const { return endpoint_; }
  [[nodiscard]] std::string log_path() const;

  // Fast shutdown (SIGINT), waiting for the postmaster to exit. Idempotent.
  void stop();
  // Starts the postmaster again on the same data directory and port, waiting until it accepts
  // connections (the "ready to accept connections" line of its log, not a poll).
  void start();
  [[nodiscard]] bool running() const { return pid_ > 0; }
  // Ends recovery on a standby (pg_promote(), which waits until the server accepts writes).
  void promote();

 private:
  bool try_start();  // false when the port was taken meanwhile
  // Runs a server program (initdb, pg_basebackup) as the cluster's user, its output in `log`.
  void run_tool(const std::vector<std::string>& args, const std::string& log, const char* what);
  void install_tls(const std::filesystem::path& cert, const std::filesystem::path& key);
  void drain_log(int fd);

  TempDir dir_{"blazed-pg"};
  PgEndpoint endpoint_;
  std::optional<uid_t> run_uid_;  // set when running as root: the postgres user
  std::optional<gid_t> run_gid_;
  std::vector<std::string> settings_;  // extra -c name=value for the postmaster
  pid_t pid_ = -1;
  std::thread log_thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool ready_ = false;
  bool log_eof_ = false;
};

// The server tests use: the one named by BLAZED_TEST_PGHOST / BLAZED_TEST_PGPORT /
// BLAZED_TEST_PGUSER when set (scripts/test starts one shared cluster), otherwise a private
// PgCluster started on first use and stopped when the test process exits.
const PgEndpoint& test_postgres();

// Rows as text (nullopt for NULL), for test set-up and checks that must not go through the client
// under test. Blocking libpq: test code only.
using PgTextRows = std::vector<std::vector<std::optional<std::string>>>;
// Runs `sql` (no parameters, may hold several statements) and returns the last result's rows;
// throws std::runtime_error on failure.
PgTextRows pg_exec(const std::string& dsn, const std::string& sql);

// A database created for one test with a unique name, dropped (WITH (FORCE)) on destruction.
class PgDatabase {
 public:
  explicit PgDatabase(const PgEndpoint& server = test_postgres());
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& dsn() const { return dsn_; }
  [[nodiscard]] const PgEndpoint& server() const { return server_; }
  // pg_exec on this database.
  PgTextRows exec(const std::string& sql) const { return pg_exec(dsn_, sql); }

 private:
  PgEndpoint server_;
  std::string name_;
  std::string dsn_;
};

// A fresh database on test_postgres(): `auto db = fresh_database(); use(db.dsn());`
inline PgDatabase fresh_database() { return PgDatabase(); }

}  // namespace blazed::testing
