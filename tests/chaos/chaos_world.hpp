// Owns ChaosWorld: what the chaos suite breaks and observes. A private PostgreSQL cluster (so it can
// be restarted), a Redis with AOF on every write (so its queue survives a SIGKILL), the local SP-API
// server with the suite's sellers, and three blazed daemons, each with a wall clock the suite can
// move (libfaketime, when installed) and a restart that keeps the previous run's output.
#pragma once

#include "harness/daemon_env.hpp"
#include "harness/daemon_process.hpp"
#include "harness/postgres.hpp"
#include "harness/spapi_server.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace blazed::testing::chaos {

// One seller of the SP-API server, once connected: its number in blazed.
struct ChaosSeller {
  std::string amazon_id;      // the SP-API server's seller id
  std::string refresh_token;  // what blazectl sealed
  std::int64_t id = 0;        // sellers.id
};

class ChaosDaemon {
 public:
  ChaosDaemon(DaemonInstance instance, std::string faketime_lib);

  [[nodiscard]] const DaemonInstance& instance() const { return instance_; }
  [[nodiscard]] DaemonProcess& process() { return *process_; }
  // Starts it again (after a kill or an exit); the previous output is kept as daemon.out.N.
  void restart();
  // SIGKILL and reap.
  void kill();
  // Sets how far its wall clock is ahead (libfaketime re-reads the file within a second); false
  // when libfaketime is not installed. The monotonic clock is never moved.
  bool set_clock_ahead(int seconds);
  [[nodiscard]] int clock_ahead() const { return clock_ahead_; }
  // The output of every run so far (oldest first), for failure reports.
  [[nodiscard]] std::string output_tail(std::size_t max_bytes) const;
  // blazectl against this daemon's control socket.
  CommandResult ctl(std::vector<std::string> args, std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

 private:
  void start();
  DaemonInstance instance_;
  std::string faketime_lib_;  // empty: libfaketime missing
  std::unique_ptr<DaemonProcess> process_;
  int runs_ = 0;
  int clock_ahead_ = 0;
};

class ChaosWorld {
 public:
  static constexpr int kDaemons = 3;
  static constexpr int kSellers = 6;

  ChaosWorld();

  PgCluster& pg() { return pg_; }
  DaemonEnv& env() { return *env_; }
  SpapiServer& spapi() { return *spapi_; }
  std::vector<std::unique_ptr<ChaosDaemon>>& daemons() { return daemons_; }
  std::vector<ChaosSeller>& sellers() { return sellers_; }
  [[nodiscard]] bool faketime() const { return !faketime_lib_.empty(); }

  // Connects every seller through a ready daemon (blazectl sellers connect); throws on failure.
  void connect_sellers();
  // Rewrites every daemon's keyring.active_key (read at its next reload or start).
  void set_active_key(const std::string& key_id);
  // A new key file in the shared key directory.
  [[nodiscard]] bool generate_key(const std::string& key_id) const;

 private:
  TempDir dir_{"blazed-chaos"};
  std::string faketime_lib_;
  PgCluster pg_;  // declared before env_: the database is dropped before its server stops
  std::unique_ptr<DaemonEnv> env_;
  std::unique_ptr<SpapiServer> spapi_;
  std::vector<std::unique_ptr<ChaosDaemon>> daemons_;
  std::vector<ChaosSeller> sellers_;
};

}  // namespace blazed::testing::chaos
