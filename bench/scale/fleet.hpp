// Owns a scale bench's fleet: Redis, PostgreSQL (migrated), the local SP-API server with N small
// sellers (4 orders, 2 transactions each), the same N sellers stored with sealed tokens, and D
// blazed daemons sharing them.
#pragma once

#include "harness/daemon_env.hpp"
#include "harness/daemon_process.hpp"
#include "harness/spapi_server.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace blazed::bench {

struct FleetOptions {
  long sellers = 1000;
  int daemons = 1;
  int concurrency = 32;                 // queue.concurrency of each daemon
  std::string interval = "24h";         // sync.interval
  std::string jitter = "0s";            // sync.jitter: 0, so nothing is due after the round
};

class Fleet {
 public:
  // Starts the services and stores the sellers; throws std::runtime_error on failure.
  explicit Fleet(const FleetOptions& options);
  ~Fleet();

  // Starts the daemons; returns once each has said READY=1 (throws otherwise).
  void start_daemons();

  [[nodiscard]] const FleetOptions& options() const { return options_; }
  [[nodiscard]] testing::DaemonEnv& env() { return *env_; }
  [[nodiscard]] std::vector<pid_t> daemon_pids() const;
  [[nodiscard]] std::vector<std::uint16_t> health_ports() const;
  // The database's size once migrated, before the sellers were stored.
  [[nodiscard]] double pg_empty_bytes() const { return pg_empty_bytes_; }

 private:
  void store_sellers();

  FleetOptions options_;
  double pg_empty_bytes_ = 0;
  std::unique_ptr<testing::SpapiServer> spapi_;
  std::unique_ptr<testing::DaemonEnv> env_;
  std::vector<testing::DaemonInstance> instances_;
  std::vector<std::unique_ptr<testing::DaemonProcess>> daemons_;
};

}  // namespace blazed::bench
