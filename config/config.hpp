// Owns the daemon's configuration as plain data: one struct per section, with the defaults.
// The YAML loader (loader.hpp) fills it; every key is listed once in schema.cpp.
#pragma once

#include "core/log.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace blazed::config {

using Duration = std::chrono::milliseconds;

// Where a secret comes from; secrets never live in the YAML itself.
//   env:NAME         the environment variable NAME
//   file:/path       the file's content (one trailing newline stripped)
//   credential:NAME  $CREDENTIALS_DIRECTORY/NAME (systemd LoadCredential=)
struct SecretRef {
  enum class Kind { env, file, credential };
  Kind kind = Kind::env;
  std::string name;  // variable name, path, or credential name
  friend bool operator==(const SecretRef&, const SecretRef&) = default;
};

struct RedisConfig {
  // redis://[user@]host:port[/db] or unix:///path/to/redis.sock[?db=N]
  std::string url = "redis://127.0.0.1:6379/0";
  std::optional<SecretRef> password;
  Duration connect_timeout{2'000};
  Duration command_timeout{2'000};
  Duration reconnect_max_delay{5'000};
};

enum class MigrateMode { apply, require_current };

struct PostgresConfig {
  // A libpq connection string or URI without the password.
  std::string dsn = "host=127.0.0.1 dbname=blazed";
  std::optional<SecretRef> password;
  MigrateMode migrate_on_start = MigrateMode::apply;
  Duration connect_timeout{5'000};
  Duration statement_timeout{30'000};
  Duration reconnect_max_delay{5'000};
  int pool_size = 4;
};

struct ControlConfig {
  std::string socket = "/run/blazed/control.sock";
  unsigned mode = 0660;
  std::vector<uid_t> allow_uids;  // root and the daemon's own uid are always allowed
  std::vector<gid_t> allow_gids;
  std::size_t max_line_bytes = 64 * 1024;
  Duration idle_timeout{30'000};
  int max_clients = 32;
};

struct HealthConfig {
  bool enabled = true;
  std::string listen = "127.0.0.1";
  std::uint16_t port = 9464;
};

// The job queue (daemon/queue): how this instance processes jobs. Per-type policies (max
// attempts, timeout, backoff) are set by the job types themselves.
struct QueueConfig {
  std::vector<std::string> queues = {"default"};  // queue names this instance processes
  int concurrency = 16;               // worker slots per queue (jobs running at once)
  int claim_batch = 64;               // most jobs claimed per Redis round trip
  Duration lease{30'000};             // a claimed job is recovered this long after its last renewal
  Duration heartbeat_interval{10'000};  // lease renewal period (keep well below `lease`)
  Duration recover_interval{5'000};   // how often expired leases are looked for
  Duration forward_interval{500};     // how often due scheduled/retry jobs are moved to pending
  Duration idle_wait{1'000};          // blocking wait for new jobs when the queue is empty
  int dead_max = 10'000;              // dead jobs kept per queue (oldest trimmed first)
};

struct Config {
  std::string instance_id;  // empty: hostname:pid at start-up
  log::Settings log;
  RedisConfig redis;
  PostgresConfig postgres;
  ControlConfig control;
  HealthConfig health;
  QueueConfig queue;
  Duration shutdown_deadline{20'000};

  std::string source;  // the file it was loaded from, for messages
  // Each key given in the file, as YAML text, by dotted path: lets a reload tell which
  // restart-only keys changed.
  std::map<std::string, std::string> given;
};

}  // namespace blazed::config
