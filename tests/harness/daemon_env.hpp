// Owns DaemonEnv: what a real blazed needs for an end-to-end test (a redis-server, a fresh
// PostgreSQL database, a keyring with an active key, free ports) and the config file tying them.
#pragma once

#include "harness/postgres.hpp"
#include "harness/redis_server.hpp"
#include "harness/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace blazed::testing {

inline const std::string kBlazedBinary = BLAZED_BINARY_DIR "/daemon/blazed";
inline const std::string kBlazectlBinary = BLAZED_BINARY_DIR "/daemon/ctl/blazectl";

// One of several daemons sharing a DaemonEnv's services: its own instance_id, working directory
// (config, notify socket, output), control socket and health port.
struct DaemonInstance {
  std::string id;
  std::filesystem::path dir;
  std::filesystem::path config;
  std::string socket_path;
  std::uint16_t health_port = 0;
};

// What a DaemonEnv may run on instead of its defaults.
struct DaemonEnvOptions {
  std::vector<std::string> redis_args;  // appended to redis-server's command line (e.g. AOF on)
  const PgEndpoint* postgres = nullptr;  // the server for its database; null: test_postgres()
};

class DaemonEnv {
 public:
  DaemonEnv() : DaemonEnv(DaemonEnvOptions{}) {}
  explicit DaemonEnv(const DaemonEnvOptions& options);

  // Writes DIR/blazed.yaml: the services above plus `extra_yaml` (top-level sections that do
  // not collide with instance_id/redis/postgres/control/health/keyring). Returns its path.
  std::filesystem::path write_config(const std::string& extra_yaml = {}) const;
  // Writes DIR/ID/blazed.yaml for a further daemon on the same Redis, database and keyring, with
  // instance_id ID and a control socket and health port of its own (`extra_yaml` as above).
  DaemonInstance add_instance(const std::string& id, const std::string& extra_yaml = {});

  [[nodiscard]] const TempDir& dir() const { return dir_; }
  [[nodiscard]] RedisServer& redis() { return redis_; }
  [[nodiscard]] const PgDatabase& db() const { return db_; }
  [[nodiscard]] std::string socket_path() const { return (dir_ / "control.sock").string(); }
  [[nodiscard]] std::uint16_t health_port() const { return health_port_; }

 private:
  TempDir dir_;
  RedisServer redis_;
  PgDatabase db_;
  std::uint16_t health_port_;
  std::set<std::uint16_t> ports_taken_;  // health ports handed out, so instances never share one
};

// A blocking HTTP/1.1 GET on 127.0.0.1:port; returns the status code (0 when nothing answered)
// and the body.
struct HttpAnswer {
  int status = 0;
  std::string body;
};
HttpAnswer http_get(std::uint16_t port, const std::string& path);

}  // namespace blazed::testing
