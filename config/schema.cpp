// Owns the list of every configuration key (see schema.hpp). Adding a key: add its field to
// config.hpp, a row here, and document it in blazed.example.yaml and docs/configuration.md
// (tests/config/test_schema_docs.cpp fails until both mention it).
#include "config/schema.hpp"

#include "config/items.hpp"
#include "config/values.hpp"
#include "core/errc.hpp"

#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace blazed::config {
namespace {

using namespace values;

// Builds an apply function from a field accessor and a reader.
template <class Get, class Read>
std::function<ValueResult<void>(Config&, const YAML::Node&)> set(Get get, Read read) {
  return [get, read](Config& c, const YAML::Node& n) -> ValueResult<void> {
    auto v = read(n);
    if (!v) return v.error();
    get(c) = std::move(*v);
    return {};
  };
}

Result<std::string> as_redis_url(const YAML::Node& n) {
  auto s = as_nonempty_string(n);
  if (s && !s->starts_with("redis://") && !s->starts_with("rediss://") &&
      !s->starts_with("redis+sentinel://") && !s->starts_with("rediss+sentinel://") &&
      !s->starts_with("unix://"))
    return make_error(blazed::errc::bad_config,
                      "expected redis://[user@]host:port[/db] (or rediss://), unix:///path or "
                      "redis+sentinel://host:port,host:port/master-name[/db], got '" + *s + "'");
  return s;
}

// A file the daemon must read (a certificate or key), or empty for none: checked here so the
// error names the line.
Result<std::string> as_readable_file(const YAML::Node& n) {
  auto s = as_string(n);
  if (s && !s->empty() && ::access(s->c_str(), R_OK) != 0)
    return make_error(blazed::errc::bad_config, "cannot read " + *s + ": " + std::strerror(errno));
  return s;
}

Result<bool> as_fail_or_warn(const YAML::Node& n) {
  auto s = as_string(n);
  if (s && *s == "fail") return true;
  if (s && *s == "warn") return false;
  return make_error(blazed::errc::bad_config, "expected fail or warn");
}

Result<MigrateMode> as_migrate_mode(const YAML::Node& n) {
  auto s = as_string(n);
  if (s && *s == "apply") return MigrateMode::apply;
  if (s && *s == "require-current") return MigrateMode::require_current;
  return make_error(blazed::errc::bad_config, "expected apply or require-current");
}

Result<log::Format> as_log_format(const YAML::Node& n) {
  auto s = as_string(n);
  if (s && *s == "json") return log::Format::json;
  if (s && *s == "text") return log::Format::text;
  return make_error(blazed::errc::bad_config, "expected json or text");
}

Result<std::map<std::string, log::Level, std::less<>>> as_component_levels(const YAML::Node& n) {
  if (!n.IsMap()) return make_error(blazed::errc::bad_config, "expected a mapping of component: level");
  std::map<std::string, log::Level, std::less<>> out;
  for (const auto& kv : n) {
    auto level = as_log_level(kv.second);
    if (!level) return level.error().context("component '" + kv.first.Scalar() + "'");
    out[kv.first.Scalar()] = *level;
  }
  return out;
}

auto int_range(std::int64_t min, std::int64_t max) {
  return [min, max](const YAML::Node& n) -> Result<int> {
    auto v = as_integer(n, min, max);
    if (!v) return v.error();
    return static_cast<int>(*v);
  };
}

auto size_range(std::int64_t min, std::int64_t max) {
  return [min, max](const YAML::Node& n) -> Result<std::size_t> {
    auto v = as_integer(n, min, max);
    if (!v) return v.error();
    return static_cast<std::size_t>(*v);
  };
}

// Intervals and timeouts where 0 would mean a busy loop or an instant failure.
Result<Duration> as_positive_duration(const YAML::Node& n) {
  auto d = as_duration(n);
  if (d && d->count() == 0) return make_error(blazed::errc::bad_config, "expected a duration greater than 0");
  return d;
}

Result<std::vector<std::string>> as_name_list(const YAML::Node& n) {
  auto list = as_string_list(n);
  if (list && (list->empty() || std::ranges::any_of(*list, [](const auto& s) { return s.empty(); })))
    return make_error(blazed::errc::bad_config, "expected a non-empty list of non-empty names");
  return list;
}

// The raw-payload retention: the published promise is 30 days at most.
Result<Duration> as_raw_payload_retention(const YAML::Node& n) {
  auto d = as_positive_duration(n);
  if (d && *d > std::chrono::hours{24 * 30})
    return make_error(blazed::errc::bad_config, "at most 30d: raw SP-API pages may hold buyer PII and are kept 30 days at most");
  return d;
}

// The audit trail's retention: the published promise is 365 days at least.
Result<Duration> as_audit_retention(const YAML::Node& n) {
  auto d = as_duration(n);
  if (d && *d < std::chrono::hours{24 * 365})
    return make_error(blazed::errc::bad_config, "at least 365d: audit events are kept at least 365 days");
  return d;
}

// A backfill depth: from the first sync's 30 days to the two years SP-API serves (orders and
// financial events alike; listTransactions in windows of at most 180 days).
Result<Duration> as_backfill_depth(const YAML::Node& n) {
  auto d = as_duration(n);
  if (d && *d < std::chrono::hours{24 * 30})
    return make_error(blazed::errc::bad_config, "at least 30d: the first sync already reaches 30 days back");
  if (d && *d > std::chrono::hours{24 * 730})
    return make_error(blazed::errc::bad_config, "at most 730d: SP-API serves two years of orders and financial events");
  return d;
}

// The web app's webhook URL: empty (off) or an absolute http(s) URL.
Result<std::string> as_webhook_url(const YAML::Node& n) {
  auto s = as_string(n);
  if (s && !s->empty() && !s->starts_with("https://") && !s->starts_with("http://"))
    return make_error(blazed::errc::bad_config, "expected an https:// URL (or empty: no webhooks)");
  return s;
}

ValueResult<std::vector<std::chrono::sys_days>> as_date_list(const YAML::Node& n) {
  if (!n.IsSequence()) return ValueError(make_error(blazed::errc::bad_config, "expected a list of dates YYYY-MM-DD"));
  std::vector<std::chrono::sys_days> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    auto d = as_date(n[i]);
    if (!d) return ValueError("[" + std::to_string(i) + "]", n[i].Mark().line, d.error().message);
    out.push_back(*d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<KeySpec> build() {
  return {
      {"instance_id", "string", "hostname:pid", false,
       "Name of this daemon instance in logs, metrics, leases and the audit trail.",
       set([](Config& c) -> auto& { return c.instance_id; }, as_nonempty_string)},

      {"log.level", "level", "info", true, "Default log level: trace, debug, info, warn, error, critical, off.",
       set([](Config& c) -> auto& { return c.log.level; }, as_log_level)},
      {"log.format", "json|text", "json", true,
       "json: one JSON object per line (for journald); text: readable lines (for a terminal).",
       set([](Config& c) -> auto& { return c.log.format; }, as_log_format)},
      {"log.components", "map of component: level", "{}", true,
       "Per-component level overrides, e.g. {redis: debug}.",
       set([](Config& c) -> auto& { return c.log.components; }, as_component_levels)},

      {"redis.url", "string", "redis://127.0.0.1:6379/0", false,
       "redis://[user@]host:port[/db], rediss://... (TLS), unix:///path/to/redis.sock[?db=N] or "
       "redis[s]+sentinel://host:port,host:port/master-name[/db]. No password here.",
       set([](Config& c) -> auto& { return c.redis.url; }, as_redis_url)},
      {"redis.tls_ca_file", "path", "none (system trust store)", false,
       "rediss:// only: PEM bundle of CAs to trust for the Redis server's certificate.",
       set([](Config& c) -> auto& { return c.redis.tls_ca_file; }, as_readable_file)},
      {"redis.tls_cert_file", "path", "none", false,
       "rediss:// only: client certificate (PEM chain) for servers that require one; with tls_key_file.",
       set([](Config& c) -> auto& { return c.redis.tls_cert_file; }, as_readable_file)},
      {"redis.tls_key_file", "path", "none", false,
       "rediss:// only: the client certificate's private key (PEM, unencrypted).",
       set([](Config& c) -> auto& { return c.redis.tls_key_file; }, as_readable_file)},
      {"redis.password", "secret reference", "none", false,
       "Where the Redis password comes from: env:NAME, file:/path or credential:NAME.",
       set([](Config& c) -> auto& { return c.redis.password; }, as_secret_ref)},
      {"redis.connect_timeout", "duration", "2s", false, "Time allowed to connect and authenticate.",
       set([](Config& c) -> auto& { return c.redis.connect_timeout; }, as_duration)},
      {"redis.command_timeout", "duration", "2s", false, "Time allowed for one command's reply.",
       set([](Config& c) -> auto& { return c.redis.command_timeout; }, as_duration)},
      {"redis.reconnect_max_delay", "duration", "5s", false,
       "Upper bound of the exponential backoff between reconnection attempts.",
       set([](Config& c) -> auto& { return c.redis.reconnect_max_delay; }, as_duration)},
      {"redis.eviction_policy", "fail|warn", "fail", false,
       "When Redis's maxmemory-policy is not noeviction: readiness fails, or only warns.",
       set([](Config& c) -> auto& { return c.redis.eviction_policy_fails; }, as_fail_or_warn)},

      {"postgres.dsn", "string", "host=127.0.0.1 dbname=blazed", false,
       "libpq connection string or URI, without the password (TLS, several hosts: docs/postgres.md).",
       set([](Config& c) -> auto& { return c.postgres.dsn; }, as_nonempty_string)},
      {"postgres.password", "secret reference", "none", false,
       "Where the PostgreSQL password comes from: env:NAME, file:/path or credential:NAME.",
       set([](Config& c) -> auto& { return c.postgres.password; }, as_secret_ref)},
      {"postgres.migrate_dsn", "string", "none (postgres.dsn)", false,
       "Connection of the schema owner role that migrations run as; postgres.dsn then names the runtime role.",
       set([](Config& c) -> auto& { return c.postgres.migrate_dsn; }, as_string)},
      {"postgres.migrate_password", "secret reference", "none", false,
       "The owner role's password (only with postgres.migrate_dsn).",
       set([](Config& c) -> auto& { return c.postgres.migrate_password; }, as_secret_ref)},
      {"postgres.migrate_on_start", "apply|require-current", "apply", false,
       "At start-up, apply pending schema migrations, or refuse to run while any is pending.",
       set([](Config& c) -> auto& { return c.postgres.migrate_on_start; }, as_migrate_mode)},
      {"postgres.connect_timeout", "duration", "5s", false,
       "Time allowed to open a connection (to each host of a multi-host DSN).",
       set([](Config& c) -> auto& { return c.postgres.connect_timeout; }, as_duration)},
      {"postgres.statement_timeout", "duration", "30s", false,
       "Server-side statement_timeout set on every connection.",
       set([](Config& c) -> auto& { return c.postgres.statement_timeout; }, as_duration)},
      {"postgres.reconnect_max_delay", "duration", "5s", false,
       "Upper bound of the backoff between reconnection attempts.",
       set([](Config& c) -> auto& { return c.postgres.reconnect_max_delay; }, as_duration)},
      {"postgres.pool_size", "integer", "4", false, "Connections kept open (1-64).",
       set([](Config& c) -> auto& { return c.postgres.pool_size; }, int_range(1, 64))},

      {"control.socket", "path", "/run/blazed/control.sock", false,
       "The control socket blazectl talks to.",
       set([](Config& c) -> auto& { return c.control.socket; }, as_nonempty_string)},
      {"control.mode", "octal", "0660", false, "File mode of the control socket.",
       set([](Config& c) -> auto& { return c.control.mode; }, as_file_mode)},
      {"control.read_uids", "list of users", "[]", false,
       "Users (names or uids) who may run read-only commands (status, lists, health).",
       set([](Config& c) -> auto& { return c.control.read_uids; }, as_uid_list)},
      {"control.read_gids", "list of groups", "[blazed]", false,
       "Groups whose members (primary or supplementary) may run read-only commands; the default "
       "(also for an empty value) is group blazed where it exists.",
       set([](Config& c) -> auto& { return c.control.read_gids; }, as_read_gid_list)},
      {"control.admin_uids", "list of users", "[]", false,
       "Users who may also run mutating commands; root and the daemon's own user always may.",
       set([](Config& c) -> auto& { return c.control.admin_uids; }, as_uid_list)},
      {"control.admin_gids", "list of groups", "[]", false,
       "Groups whose members (primary or supplementary) may also run mutating commands.",
       set([](Config& c) -> auto& { return c.control.admin_gids; }, as_gid_list)},
      {"control.max_line_bytes", "integer", "65536", false,
       "Longest request line accepted; a longer one gets an error and the connection is closed.",
       set([](Config& c) -> auto& { return c.control.max_line_bytes; }, size_range(256, 16 << 20))},
      {"control.idle_timeout", "duration", "30s", false,
       "A client that sends nothing (or half a line) for this long is disconnected.",
       set([](Config& c) -> auto& { return c.control.idle_timeout; }, as_duration)},
      {"control.max_clients", "integer", "32", false,
       "Concurrent control connections; more are answered with an error and closed.",
       set([](Config& c) -> auto& { return c.control.max_clients; }, int_range(1, 4096))},

      {"health.enabled", "bool", "true", false, "Serve /healthz, /readyz and /metrics over HTTP.",
       set([](Config& c) -> auto& { return c.health.enabled; }, as_bool)},
      {"health.listen", "address", "127.0.0.1", false,
       "Address of the health and metrics HTTP server (keep it on loopback).",
       set([](Config& c) -> auto& { return c.health.listen; }, as_nonempty_string)},
      {"health.port", "port", "9464", false, "Port of the health and metrics HTTP server (0: any free port).",
       set([](Config& c) -> auto& { return c.health.port; }, as_port)},
      {"health.allowed_hosts", "list of names", "[]", false,
       "Host header names answered besides localhost, 127.0.0.1, ::1 and health.listen.",
       set([](Config& c) -> auto& { return c.health.allowed_hosts; }, as_string_list)},

      {"queue.queues", "list of names", "[default, sync, backfill]", false,
       "Queues this instance processes.",
       set([](Config& c) -> auto& { return c.queue.queues; }, as_name_list)},
      {"queue.concurrency", "integer 1-1024", "16", false, "Worker slots per queue (jobs running at once).",
       set([](Config& c) -> auto& { return c.queue.concurrency; }, int_range(1, 1024))},
      {"queue.claim_batch", "integer 1-1000", "64", false, "Most jobs claimed per Redis round trip.",
       set([](Config& c) -> auto& { return c.queue.claim_batch; }, int_range(1, 1000))},
      {"queue.lease", "duration", "30s", false,
       "A claimed job is recovered by any instance this long after its last lease renewal.",
       set([](Config& c) -> auto& { return c.queue.lease; }, as_positive_duration)},
      {"queue.heartbeat_interval", "duration", "10s", false,
       "Lease renewal period of running jobs; keep it well below queue.lease.",
       set([](Config& c) -> auto& { return c.queue.heartbeat_interval; }, as_positive_duration)},
      {"queue.recover_interval", "duration", "5s", false, "How often expired leases are looked for.",
       set([](Config& c) -> auto& { return c.queue.recover_interval; }, as_positive_duration)},
      {"queue.forward_interval", "duration", "500ms", false,
       "How often due scheduled and retrying jobs are moved to pending.",
       set([](Config& c) -> auto& { return c.queue.forward_interval; }, as_positive_duration)},
      {"queue.idle_wait", "duration", "1s", false, "Blocking wait for new jobs while the queue is empty.",
       set([](Config& c) -> auto& { return c.queue.idle_wait; }, as_positive_duration)},
      {"queue.dead_max", "integer 0-10000000", "10000", false,
       "Dead jobs kept per queue; the oldest are trimmed first.",
       set([](Config& c) -> auto& { return c.queue.dead_max; }, int_range(0, 10'000'000))},

      {"keyring.dir", "path", "/etc/blazed/keys", true,
       "Directory with one key file per key id (file name = key id); unused with from_credentials.",
       set([](Config& c) -> auto& { return c.keyring.dir; }, as_nonempty_string)},
      {"keyring.from_credentials", "bool", "false", true,
       "Read keys from $CREDENTIALS_DIRECTORY (systemd LoadCredential=) instead of keyring.dir.",
       set([](Config& c) -> auto& { return c.keyring.from_credentials; }, as_bool)},
      {"keyring.credential_prefix", "string", "blazed-key-", true,
       "With from_credentials, only credentials named PREFIX + key id are keys.",
       set([](Config& c) -> auto& { return c.keyring.credential_prefix; }, as_nonempty_string)},
      {"keyring.active_key", "key id", "none (required)", true,
       "The key new ciphertexts are sealed under; the daemon refuses to start without it.",
       set([](Config& c) -> auto& { return c.keyring.active_key; }, as_nonempty_string)},
      {"keyring.legacy_key", "key id", "none", true,
       "The key of the web app's AES-256-CBC rows; empty: no legacy rows expected.",
       set([](Config& c) -> auto& { return c.keyring.legacy_key; }, as_string)},

      {"credential_ages.max_key_age", "duration", "90d", true,
       "Keyring keys older than this are reported as due for rotation.",
       set([](Config& c) -> auto& { return c.credential_ages.max_key_age; }, as_positive_duration)},
      {"credential_ages.lwa_client_secret_created", "date YYYY-MM-DD", "none (unknown)", true,
       "When the LWA client secret was issued, to report its age; empty: unknown.",
       set([](Config& c) -> auto& { return c.credential_ages.lwa_client_secret_created; }, as_optional_date)},
      {"credential_ages.lwa_client_secret_max_age", "duration", "180d", true,
       "Age at which the LWA client secret is reported as due (Amazon expires it after 180 days).",
       set([](Config& c) -> auto& { return c.credential_ages.lwa_client_secret_max_age; },
           as_positive_duration)},

      {"schedules", "list of schedules", "[]", true,
       "Cron duties, each {name, cron, job, zone, queue, payload, group}; each tick is enqueued once.",
       set([](Config& c) -> auto& { return c.scheduler.schedules; }, as_schedule_list)},
      {"scheduler.fence_ttl", "duration", "60s", false,
       "How long a tick's winner holds it before another instance may take it over.",
       set([](Config& c) -> auto& { return c.scheduler.fence_ttl; }, as_positive_duration)},
      {"scheduler.max_sleep", "duration", "60s", false,
       "Longest sleep between scheduler passes (bounds the delay after a clock jump).",
       set([](Config& c) -> auto& { return c.scheduler.max_sleep; }, as_positive_duration)},
      {"scheduler.zoneinfo_dir", "path", "/usr/share/zoneinfo", false, "Where IANA zones are read from.",
       set([](Config& c) -> auto& { return c.scheduler.zoneinfo_dir; }, as_nonempty_string)},

      {"sync.interval", "duration", "1h", false, "How often each seller is synced.",
       set([](Config& c) -> auto& { return c.sync_cadence.interval; }, as_positive_duration)},
      {"sync.jitter", "duration", "1h", false,
       "Window sellers are spread over by a hash of their id (capped at the interval; 0: none).",
       set([](Config& c) -> auto& { return c.sync_cadence.jitter; }, as_duration)},

      {"sync.backfill.orders", "duration, 30d-730d", "30d", false,
       "How far back a new seller's orders are fetched; beyond the first sync's 30 days by the backfill job.",
       set([](Config& c) -> auto& { return c.sync_backfill.orders; }, as_backfill_depth)},
      {"sync.backfill.transactions", "duration, 30d-730d", "30d", false,
       "How far back a new seller's financial transactions are fetched (the backfill walks 90-day windows).",
       set([](Config& c) -> auto& { return c.sync_backfill.transactions; }, as_backfill_depth)},

      {"rate_limit.plans", "list of {operation, rate, burst}", "[]", false,
       "SP-API usage plans that override or add to the built-in table (rate per second, burst).",
       set([](Config& c) -> auto& { return c.rate_limit.plans; }, as_plan_list)},
      {"rate_limit.slow_down_factor", "number (0, 1]", "0.5", false,
       "Rate multiplier applied to a bucket after a 429.",
       set([](Config& c) -> auto& { return c.rate_limit.slow_down_factor; },
           [](const YAML::Node& n) { return as_number(n, 0, 1, true); })},
      {"rate_limit.min_rate", "number (0, 1000]", "0.0001", false,
       "Requests per second a slow-down never goes below.",
       set([](Config& c) -> auto& { return c.rate_limit.min_rate; },
           [](const YAML::Node& n) { return as_number(n, 0, 1000, true); })},

      {"spapi.endpoint_na", "URL", "https://sellingpartnerapi-na.amazon.com", false,
       "SP-API base URL for North America; point it at a local or sandbox server to test.",
       set([](Config& c) -> auto& { return c.spapi.endpoint_na; }, as_nonempty_string)},
      {"spapi.endpoint_eu", "URL", "https://sellingpartnerapi-eu.amazon.com", false,
       "SP-API base URL for Europe.",
       set([](Config& c) -> auto& { return c.spapi.endpoint_eu; }, as_nonempty_string)},
      {"spapi.endpoint_fe", "URL", "https://sellingpartnerapi-fe.amazon.com", false,
       "SP-API base URL for the Far East.",
       set([](Config& c) -> auto& { return c.spapi.endpoint_fe; }, as_nonempty_string)},
      {"spapi.lwa_endpoint", "URL", "https://api.amazon.com/auth/o2/token", false,
       "Login with Amazon token URL.",
       set([](Config& c) -> auto& { return c.spapi.lwa_endpoint; }, as_nonempty_string)},
      {"spapi.client_id", "string", "none (required)", false, "The app's LWA client id (not a secret).",
       set([](Config& c) -> auto& { return c.spapi.client_id; }, as_nonempty_string)},
      {"spapi.client_secret", "secret reference", "none (required)", false,
       "Where the app's LWA client secret comes from: env:NAME, file:/path or credential:NAME.",
       set([](Config& c) -> auto& { return c.spapi.client_secret; }, as_secret_ref)},
      {"spapi.ca_file", "path", "none (system trust store)", false, "PEM bundle of CAs to trust.",
       set([](Config& c) -> auto& { return c.spapi.ca_file; }, as_string)},
      {"spapi.allow_plain_http", "bool", "false", false, "Allow http:// endpoints (development only).",
       set([](Config& c) -> auto& { return c.spapi.allow_plain_http; }, as_bool)},
      {"spapi.connect_timeout", "duration", "5s", false, "TCP connect plus TLS handshake.",
       set([](Config& c) -> auto& { return c.spapi.connect_timeout; }, as_positive_duration)},
      {"spapi.read_timeout", "duration", "30s", false, "Each write or read of one request.",
       set([](Config& c) -> auto& { return c.spapi.read_timeout; }, as_positive_duration)},
      {"spapi.total_timeout", "duration", "60s", false,
       "A whole request, including one retry on a stale connection.",
       set([](Config& c) -> auto& { return c.spapi.total_timeout; }, as_positive_duration)},
      {"spapi.max_response_bytes", "integer", "16777216", false,
       "Larger response bodies are refused (1024 to 1 GiB).",
       set([](Config& c) -> auto& { return c.spapi.max_response_bytes; }, size_range(1024, 1 << 30))},
      {"spapi.user_agent_app", "string", "blazed", false,
       "Application name in the user-agent: APP/VERSION (Language=C++; Platform=Linux).",
       set([](Config& c) -> auto& { return c.spapi.user_agent_app; }, as_nonempty_string)},
      {"spapi.user_agent_version", "string", "the build's version", false,
       "Version in the user-agent.",
       set([](Config& c) -> auto& { return c.spapi.user_agent_version; }, as_nonempty_string)},
      {"spapi.included_data", "list of datasets", "[PROCEEDS, FULFILLMENT]", false,
       "searchOrders/getOrder datasets; BUYER and RECIPIENT need a restricted role and bring PII.",
       set([](Config& c) -> auto& { return c.spapi.included_data; }, as_string_list)},
      {"spapi.max_results_per_page", "integer 1-100", "100", false, "searchOrders page size.",
       set([](Config& c) -> auto& { return c.spapi.max_results_per_page; }, int_range(1, 100))},
      {"spapi.token_refresh_margin", "duration", "60s", false,
       "Access tokens are refreshed this long before they expire.",
       set([](Config& c) -> auto& { return c.spapi.token_refresh_margin; }, as_duration)},

      {"backup.targets", "list of targets", "[] (backups off)", false,
       "S3 buckets every backup is written to, each {name, bucket, region, endpoint, credentials, addressing, prefix, allow_plain_http}.",
       set([](Config& c) -> auto& { return c.backup.targets; }, as_backup_target_list)},
      {"backup.primary_region", "string", "none", false,
       "The server's own region: a target in it is a warning at start-up and a failed compliance line.",
       set([](Config& c) -> auto& { return c.backup.primary_region; }, as_string)},
      {"backup.retention_days", "integer 1-3650", "30", false,
       "Good backups younger than this (by their manifests' times) are kept.",
       set([](Config& c) -> auto& { return c.backup.retention_days; }, int_range(1, 3650))},
      {"backup.keep_min", "integer 1-1000", "3", false,
       "The newest good backups of each target kept whatever their age.",
       set([](Config& c) -> auto& { return c.backup.keep_min; }, int_range(1, 1000))},
      {"backup.pg_dump", "path", "pg_dump", false, "The pg_dump program (a name on PATH or a path).",
       set([](Config& c) -> auto& { return c.backup.pg_dump; }, as_nonempty_string)},
      {"backup.pg_restore", "path", "pg_restore", false,
       "The pg_restore program (a name on PATH or a path).",
       set([](Config& c) -> auto& { return c.backup.pg_restore; }, as_nonempty_string)},
      {"backup.zstd_level", "integer 1-19", "1", false, "zstd compression level of backups.",
       set([](Config& c) -> auto& { return c.backup.zstd_level; }, int_range(1, 19))},

      {"retention.raw_payloads", "duration, at most 30d", "30d", false,
       "Raw SP-API pages (which may hold buyer PII) are purged this long after receipt.",
       set([](Config& c) -> auto& { return c.retention.raw_payloads; }, as_raw_payload_retention)},
      {"retention.holidays", "list of dates YYYY-MM-DD", "[]", false,
       "Days that are not business days besides weekends (account deletion deadlines).",
       set([](Config& c) -> auto& { return c.retention.holidays; }, as_date_list)},
      {"retention.audit", "duration, at least 365d", "400d", false,
       "Audit events are pruned, a whole month at a time, once older than this (docs/audit.md).",
       set([](Config& c) -> auto& { return c.retention.audit; }, as_audit_retention)},

      {"webhooks.url", "URL", "none (no webhooks)", false,
       "Where signed notifications to the web app are POSTed (deletion completed, incident user notice).",
       set([](Config& c) -> auto& { return c.webhooks.url; }, as_webhook_url)},
      {"webhooks.secret", "secret reference", "none (required with webhooks.url)", false,
       "Where the webhooks' HMAC-SHA256 key comes from: env:NAME, file:/path or credential:NAME.",
       set([](Config& c) -> auto& { return c.webhooks.secret; }, as_secret_ref)},
      {"webhooks.ca_file", "path", "none (system trust store)", false, "PEM bundle of CAs to trust.",
       set([](Config& c) -> auto& { return c.webhooks.ca_file; }, as_string)},
      {"webhooks.allow_plain_http", "bool", "false", false, "Allow an http:// webhooks.url (development only).",
       set([](Config& c) -> auto& { return c.webhooks.allow_plain_http; }, as_bool)},
      {"webhooks.timeout", "duration", "10s", false, "One delivery attempt, from connect to response.",
       set([](Config& c) -> auto& { return c.webhooks.timeout; }, as_positive_duration)},

      {"shutdown.deadline", "duration", "20s", true,
       "On SIGTERM, time running work gets to finish before it is handed back and the process exits.",
       set([](Config& c) -> auto& { return c.shutdown_deadline; }, as_duration)},
  };
}

}  // namespace

const std::vector<KeySpec>& schema() {
  static const std::vector<KeySpec> keys = build();
  return keys;
}

const KeySpec* find_key(std::string_view path) {
  const auto& keys = schema();
  auto it = std::find_if(keys.begin(), keys.end(), [&](const KeySpec& k) { return k.path == path; });
  return it == keys.end() ? nullptr : &*it;
}

}  // namespace blazed::config
