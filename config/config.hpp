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

struct Config {
  std::string instance_id;  // empty: hostname:pid at start-up
  log::Settings log;
  RedisConfig redis;
  PostgresConfig postgres;
  ControlConfig control;
  HealthConfig health;
  SpApiConfig spapi;
  Duration shutdown_deadline{20'000};

  std::string source;  // the file it was loaded from, for messages
  // Each key given in the file, as YAML text, by dotted path: lets a reload tell which
  // restart-only keys changed.
  std::map<std::string, std::string> given;
};

}  // namespace blazed::config
