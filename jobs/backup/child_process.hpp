// Owns ChildProcess: a client program (pg_dump, pg_restore) run as a child with its stdin or
// stdout on a pipe and its stderr kept in memory (a memfd, so a chatty child never blocks on a
// full pipe). Blocking calls: for worker threads and short version checks only.
#pragma once

#include "core/error.hpp"

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace blazed::jobs::backup {

struct ChildSpec {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH unless it holds a '/'
  // Added to (or replacing in) the inherited environment, e.g. PGPASSWORD: never logged.
  std::vector<std::pair<std::string, std::string>> env;
  bool pipe_stdin = false;   // else /dev/null
  bool pipe_stdout = false;  // else /dev/null
};

class ChildProcess {
 public:
  // backup_spawn when the program cannot be started.
  static Result<ChildProcess> start(const ChildSpec& spec);
  ChildProcess(ChildProcess&&) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();  // kills and reaps a child still running

  // Reads stdout; 0 at its end. backup_io on a read error.
  Result<std::size_t> read(std::span<std::uint8_t> into);
  // Writes all of `data` to stdin. backup_io (EPIPE: the child went away).
  Status write_all(std::span<const std::uint8_t> data);
  void close_stdin();
  // Waits for the exit; returns its status (0: success; 128+N: killed by signal N).
  int wait();
  void kill();
  [[nodiscard]] pid_t pid() const { return pid_; }
  // The last `max` bytes of what it wrote on stderr, its last line first-trimmed.
  [[nodiscard]] std::string stderr_tail(std::size_t max = 400) const;

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  int in_fd_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int status_ = -1;
};

// Runs `argv` to completion and returns its stdout (small outputs: --version).
Result<std::string> run_for_output(const std::vector<std::string>& argv);

// The major version in "pg_dump (PostgreSQL) 15.5 (Debian 15.5-0+deb12u1)": 15.
Result<int> client_major_version(const std::string& version_output);

}  // namespace blazed::jobs::backup
