// Owns RedisServer: a real redis-server for one test, on a free 127.0.0.1 port in a temporary
// directory (no persistence), always killed when the fixture goes away.
#pragma once

#include "harness/free_port.hpp"

#include "config/config.hpp"
#include "harness/temp_dir.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace blazed::testing {

// What a redis-sentinel watches: the master on 127.0.0.1:master_port under `master_name`, declared
// down after `down_after` without answers (quorum 1: this one sentinel decides).
struct SentinelOf {
  std::uint16_t master_port;
  std::string master_name;
  std::chrono::milliseconds down_after{1'000};
};

class RedisServer {
 public:
  // `extra_args` are appended to the command line (e.g. {"--maxmemory", "10mb"}).
  explicit RedisServer(std::vector<std::string> extra_args = {});
  // A redis-sentinel (redis-server --sentinel) instead of a data server.
  explicit RedisServer(const SentinelOf& sentinel);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  // redis://127.0.0.1:PORT/0 (or with a user: redis://USER@127.0.0.1:PORT/0)
  [[nodiscard]] std::string url(const std::string& user = {}) const;
  [[nodiscard]] std::string unix_socket() const { return (dir_ / "redis.sock").string(); }
  // A RedisConfig pointing at this server with short timeouts suited to tests.
  [[nodiscard]] config::RedisConfig config(const std::string& user = {}) const;

  // Kills the server with SIGKILL (a crash, as far as clients can tell) and reaps it.
  void stop();
  // Starts it again on the same port and waits until it accepts connections.
  void start();
  void restart() {
    stop();
    start();
  }
  // SIGSTOP / SIGCONT: the server keeps its connections but answers nothing while paused.
  void pause();
  void resume();

  // What redis-server printed so far (for failure diagnostics).
  [[nodiscard]] std::string output() const;

 private:
  TempDir dir_{"blazed-redis"};
  std::vector<std::string> extra_args_;
  std::string sentinel_config_;  // the sentinel's config file (it rewrites it); empty: a server
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::thread drain_;
  std::string output_;
};

}  // namespace blazed::testing
