// Owns the list of every configuration key (see schema.hpp). Adding a key: add its field to
// config.hpp, a row here, and document it in blazed.example.yaml and docs/configuration.md
// (tests/config/test_schema_docs.cpp fails until both mention it).
#include "config/schema.hpp"

#include "config/values.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace blazed::config {
namespace {

using namespace values;

// Builds an apply function from a field accessor and a reader.
template <class Get, class Read>
std::function<Status(Config&, const YAML::Node&)> set(Get get, Read read) {
  return [get, read](Config& c, const YAML::Node& n) -> Status {
    auto v = read(n);
    if (!v) return v.error();
    get(c) = std::move(*v);
    return {};
  };
}

Result<std::string> as_redis_url(const YAML::Node& n) {
  auto s = as_nonempty_string(n);
  if (s && !s->starts_with("redis://") && !s->starts_with("unix://"))
    return make_error("bad_config", "expected redis://[user@]host:port[/db] or unix:///path, got '" +
                                        *s + "'");
  return s;
}

Result<MigrateMode> as_migrate_mode(const YAML::Node& n) {
  auto s = as_string(n);
  if (s && *s == "apply") return MigrateMode::apply;
  if (s && *s == "require-current") return MigrateMode::require_current;
  return make_error("bad_config", "expected apply or require-current");
}

Result<log::Format> as_log_format(const YAML::Node& n) {
  auto s = as_string(n);
  if (s && *s == "json") return log::Format::json;
  if (s && *s == "text") return log::Format::text;
  return make_error("bad_config", "expected json or text");
}

Result<std::map<std::string, log::Level, std::less<>>> as_component_levels(const YAML::Node& n) {
  if (!n.IsMap()) return make_error("bad_config", "expected a mapping of component: level");
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
       "redis://[user@]host:port[/db] or unix:///path/to/redis.sock[?db=N]. No password here.",
       set([](Config& c) -> auto& { return c.redis.url; }, as_redis_url)},
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

      {"postgres.dsn", "string", "host=127.0.0.1 dbname=blazed", false,
       "libpq connection string or URI, without the password.",
       set([](Config& c) -> auto& { return c.postgres.dsn; }, as_nonempty_string)},
      {"postgres.password", "secret reference", "none", false,
       "Where the PostgreSQL password comes from: env:NAME, file:/path or credential:NAME.",
       set([](Config& c) -> auto& { return c.postgres.password; }, as_secret_ref)},
      {"postgres.migrate_on_start", "apply|require-current", "apply", false,
       "At start-up, apply pending schema migrations, or refuse to run while any is pending.",
       set([](Config& c) -> auto& { return c.postgres.migrate_on_start; }, as_migrate_mode)},
      {"postgres.connect_timeout", "duration", "5s", false, "Time allowed to open a connection.",
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
      {"control.allow_uids", "list of users", "[]", false,
       "Users (names or uids) allowed on the socket besides root and the daemon's own user.",
       set([](Config& c) -> auto& { return c.control.allow_uids; }, as_uid_list)},
      {"control.allow_gids", "list of groups", "[]", false,
       "Groups (names or gids) whose members (primary or supplementary) may use the socket.",
       set([](Config& c) -> auto& { return c.control.allow_gids; }, as_gid_list)},
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
