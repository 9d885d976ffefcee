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
  // redis://[user@]host:port[/db], rediss://... (TLS), unix:///path/to/redis.sock[?db=N], or
  // redis[s]+sentinel://[user@]host:port,host:port/master-name[/db]
  std::string url = "redis://127.0.0.1:6379/0";
  std::optional<SecretRef> password;
  // rediss:// only: PEM CA bundle (empty: the system trust store), and a client certificate
  // with its key (both or neither).
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  Duration connect_timeout{2'000};
  Duration command_timeout{2'000};
  Duration reconnect_max_delay{5'000};
  // A maxmemory-policy other than noeviction (Redis may evict queue keys): readiness fails
  // (true) or only warns (false).
  bool eviction_policy_fails = true;
};

enum class MigrateMode { apply, require_current };

struct PostgresConfig {
  // A libpq connection string or URI without the password.
  std::string dsn = "host=127.0.0.1 dbname=blazed";
  std::optional<SecretRef> password;
  // The schema owner's connection for migrations (`blazed migrate`, and start-up with apply);
  // empty: dsn and password, one role for both (docs/postgres.md, "Roles").
  std::string migrate_dsn;
  std::optional<SecretRef> migrate_password;
  MigrateMode migrate_on_start = MigrateMode::apply;
  Duration connect_timeout{5'000};
  Duration statement_timeout{30'000};
  Duration reconnect_max_delay{5'000};
  int pool_size = 4;
};

// The id the kernel reports for a user or group that has no mapping in the reader's user
// namespace (overflowuid/overflowgid: "nobody"/"nogroup"). It names no one in particular, so it is
// never a control socket peer's identity.
inline constexpr unsigned kOverflowId = 65534;

// The group whose members may run read-only control commands when control.read_gids is not set
// (systemd/blazed.sysusers.conf creates it).
inline constexpr const char* kDefaultReadGroup = "blazed";

struct ControlConfig {
  std::string socket = "/run/blazed/control.sock";
  unsigned mode = 0660;
  // Who may run read-only commands (status, lists, health) and who also mutating ones; root and
  // the daemon's own uid are always admin. Unset read_gids: the group blazed, when it exists.
  std::vector<uid_t> read_uids;
  std::vector<gid_t> read_gids;
  std::vector<uid_t> admin_uids;
  std::vector<gid_t> admin_gids;
  std::size_t max_line_bytes = 64 * 1024;
  Duration idle_timeout{30'000};
  int max_clients = 32;
};

struct HealthConfig {
  bool enabled = true;
  std::string listen = "127.0.0.1";
  std::uint16_t port = 9464;
  // Host header values answered besides the loopback names and `listen` (a DNS-rebinding page
  // sends its own name and is refused).
  std::vector<std::string> allowed_hosts;
};

// The job queue (daemon/queue): how this instance processes jobs. Per-type policies (max
// attempts, timeout, backoff) are set by the job types themselves.
struct QueueConfig {
  // Queue names this instance processes; seller syncs go to "sync", duties to "default".
  std::vector<std::string> queues = {"default", "sync", "backfill"};
  int concurrency = 16;               // worker slots per queue (jobs running at once)
  int claim_batch = 64;               // most jobs claimed per Redis round trip
  Duration lease{30'000};             // a claimed job is recovered this long after its last renewal
  Duration heartbeat_interval{10'000};  // lease renewal period (keep well below `lease`)
  Duration recover_interval{5'000};   // how often expired leases are looked for
  Duration forward_interval{500};     // how often due scheduled/retry jobs are moved to pending
  Duration idle_wait{1'000};          // blocking wait for new jobs when the queue is empty
  int dead_max = 10'000;              // dead jobs kept per queue (oldest trimmed first)
};

// The keyring: key files kept apart from the database. See docs/formats.md.
struct KeyringConfig {
  // Directory holding one key file per key id (file name = key id). Ignored when
  // from_credentials is set.
  std::string dir = "/etc/blazed/keys";
  // Read keys from $CREDENTIALS_DIRECTORY (systemd LoadCredential=) instead of `dir`; there
  // only files named credential_prefix + key id are keys, other credentials are left alone.
  bool from_credentials = false;
  std::string credential_prefix = "blazed-key-";
  // The key every new ciphertext is sealed under; the daemon refuses to start without it.
  std::string active_key;
  // The key the Node.js web app's AES-256-CBC rows were written with; empty: none expected.
  std::string legacy_key;
};

// Credential age policy, surfaced as metrics and in `blazectl keys status`.
struct CredentialAgeConfig {
  Duration max_key_age{std::chrono::hours{24 * 90}};  // keyring keys
  // When the LWA client secret was issued (Amazon expires it after 180 days); unset: unknown.
  std::optional<std::chrono::sys_days> lwa_client_secret_created;
  Duration lwa_client_secret_max_age{std::chrono::hours{24 * 180}};
};

// One cron duty (queue/scheduler.hpp). Each tick is enqueued once across all instances.
struct ScheduleConfig {
  std::string name;            // unique, [A-Za-z0-9_.-]; names the Redis keys and the job's unique key
  std::string cron;            // 5-field cron, @hourly/@daily/@weekly/@monthly/@yearly, or "@every 5m"
  std::string zone;            // IANA zone the cron fields are read in; empty = UTC
  std::string job;             // job type to enqueue
  std::string queue = "default";  // queue to enqueue into
  std::string payload = "{}";  // job payload (JSON text; ids only, never secrets or PII)
  std::string group;           // jobs of one group never run side by side; empty = no group
};

struct SchedulerConfig {
  std::vector<ScheduleConfig> schedules;
  // How long one instance holds a tick before another may take it over (if the holder died
  // between winning the tick and enqueueing its job).
  Duration fence_ttl{60'000};
  // The longest the scheduler sleeps between passes (bounds the delay after a clock jump).
  Duration max_sleep{60'000};
  std::string zoneinfo_dir = "/usr/share/zoneinfo";  // where IANA zones are read from
};

// Per-seller sync cadence (queue/seller_cadence.hpp).
struct SyncCadenceConfig {
  Duration interval{3'600'000};  // how often each seller is synced
  // Sellers are spread over this window by a hash of their id (capped at interval; 0 = all at once).
  Duration jitter{3'600'000};
};

// How far back a seller's history is fetched, per data type (jobs/sync backfill). The first
// incremental sync reaches back 30 days; a deeper history comes from the backfill, a job of its
// own on the "backfill" queue. Each at least 30 days and at most two years (what SP-API serves).
struct SyncBackfillConfig {
  Duration orders{std::chrono::hours{24 * 30}};
  Duration transactions{std::chrono::hours{24 * 30}};
};

// One SP-API usage plan override (queue/usage_plans.cpp holds the built-in table).
struct RateLimitPlanConfig {
  std::string operation;   // SP-API operation name, e.g. "searchOrders"
  double rate = 0;         // requests per second, fractional (0.000001 .. 1000)
  std::int64_t burst = 1;  // bucket size (1 .. 1000000)
};

struct RateLimitConfig {
  std::vector<RateLimitPlanConfig> plans;  // overrides and additions to the built-in table
  double slow_down_factor = 0.5;           // rate multiplier applied after a 429 (0 < f <= 1)
  double min_rate = 0.0001;                // slow_down never goes below this (requests/s)
};

// SP-API access: LWA, endpoints, and the HTTPS client under them (daemon/spapi, daemon/http).
struct SpApiConfig {
  // Base URLs per region; override to point at a local or sandbox server.
  std::string endpoint_na = "https://sellingpartnerapi-na.amazon.com";
  std::string endpoint_eu = "https://sellingpartnerapi-eu.amazon.com";
  std::string endpoint_fe = "https://sellingpartnerapi-fe.amazon.com";
  std::string lwa_endpoint = "https://api.amazon.com/auth/o2/token";  // LWA token URL
  std::string client_id;                 // the app's LWA client id (not a secret)
  std::optional<SecretRef> client_secret;  // the app's LWA client secret (rotated every 180 days)
  std::string ca_file;                   // PEM bundle to trust; empty: the system trust store
  bool allow_plain_http = false;         // allow http:// endpoints (development only)
  Duration connect_timeout{5'000};       // TCP connect plus TLS handshake
  Duration read_timeout{30'000};         // each write/read of one request
  Duration total_timeout{60'000};        // a whole request, including a stale-connection retry
  std::size_t max_response_bytes = 16 * 1024 * 1024;  // larger bodies are refused
  std::string user_agent_app = "blazed";  // user-agent: APP/VERSION (Language=C++; Platform=Linux)
  std::string user_agent_version = BLAZED_VERSION;
  // searchOrders/getOrder datasets; BUYER and RECIPIENT need a restricted role and bring PII.
  std::vector<std::string> included_data = {"PROCEEDS", "FULFILLMENT"};
  int max_results_per_page = 100;        // searchOrders page size, 1..100
  Duration token_refresh_margin{60'000};  // refresh access tokens this long before expiry
};

// One S3 bucket that holds backups (docs/backups.md).
struct BackupTargetConfig {
  std::string name;       // names the target in metrics, logs and listings; default: the bucket
  std::string bucket;
  std::string region;     // signs the requests; compared with backup.primary_region
  std::string endpoint;   // empty: https://s3.REGION.amazonaws.com
  // env:PREFIX (PREFIX_ACCESS_KEY_ID, PREFIX_SECRET_ACCESS_KEY, PREFIX_SESSION_TOKEN),
  // file:/path or credential:NAME (the AWS shared-credentials layout).
  SecretRef credentials{SecretRef::Kind::env, "AWS"};
  std::string addressing = "auto";  // auto, path or virtual
  std::string prefix = "blazed-backups/";  // object keys start with it
  bool allow_plain_http = false;    // http:// endpoints (local test servers only)
};

struct BackupConfig {
  std::vector<BackupTargetConfig> targets;  // empty: backups are off
  std::string primary_region;  // the server's region: a target there is a warning
  int retention_days = 30;     // good backups younger than this are kept
  int keep_min = 3;            // the newest good backups kept whatever their age
  std::string pg_dump = "pg_dump";      // client programs (a name on PATH or a path)
  std::string pg_restore = "pg_restore";
  int zstd_level = 1;
};

// How long personal data is kept (jobs/purge, jobs/deletion), and the audit trail (jobs/audit).
struct RetentionConfig {
  // Raw SP-API pages (they may hold buyer PII) are purged this long after receipt; at most 30 days.
  Duration raw_payloads{std::chrono::hours{24 * 30}};
  // Days that are not business days (besides Saturdays and Sundays), for deletion deadlines.
  std::vector<std::chrono::sys_days> holidays;
  // Audit events are pruned (whole months) once older than this; at least 365 days.
  Duration audit{std::chrono::hours{24 * 400}};
};

// Signed notifications to the web app (jobs/webhooks, docs/webhooks.md): deletions completed and
// incident user notifications. Off while `url` is empty.
struct WebhooksConfig {
  std::string url;                  // http(s)://host[:port]/path; empty: no webhook is sent
  std::optional<SecretRef> secret;  // the HMAC-SHA256 key the web app verifies with
  std::string ca_file;              // PEM bundle to trust; empty: the system trust store
  bool allow_plain_http = false;    // allow an http:// url (development only)
  Duration timeout{10'000};         // one delivery attempt, connect to response
};

struct Config {
  std::string instance_id;  // empty: hostname:pid at start-up
  log::Settings log;
  RedisConfig redis;
  PostgresConfig postgres;
  ControlConfig control;
  HealthConfig health;
  QueueConfig queue;
  KeyringConfig keyring;
  CredentialAgeConfig credential_ages;
  SchedulerConfig scheduler;
  SyncCadenceConfig sync_cadence;
  SyncBackfillConfig sync_backfill;
  RateLimitConfig rate_limit;
  SpApiConfig spapi;
  BackupConfig backup;
  RetentionConfig retention;
  WebhooksConfig webhooks;
  Duration shutdown_deadline{20'000};

  std::string source;  // the file it was loaded from, for messages
  // Each key given in the file, as YAML text, by dotted path: lets a reload tell which
  // restart-only keys changed.
  std::map<std::string, std::string> given;
};

}  // namespace blazed::config
