// Owns SpApiServerProcess: runs the local SP-API test server (tests/spapi-server/server.js, Node)
// in a temporary directory on a free port, waits for its start-up line, and stops it by pid.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace blazed::testing {

class SpApiServerProcess {
 public:
  // `script` is server.js; `config_json` (may be empty) is written to DIR/config.json and passed
  // with --config. Throws when the server does not print its start-up line within 60 s.
  SpApiServerProcess(const std::filesystem::path& script, const std::filesystem::path& dir,
                     const std::string& config_json);
  ~SpApiServerProcess();  // SIGTERM, then SIGKILL if it does not exit within 10 s
  SpApiServerProcess(const SpApiServerProcess&) = delete;
  SpApiServerProcess& operator=(const SpApiServerProcess&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] const std::string& ca_file() const { return ca_file_; }
  // "https://127.0.0.1:PORT": SP-API, LWA (/auth/o2/token) and the admin API (/_admin).
  [[nodiscard]] std::string base_url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::string stderr_text() const;

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::filesystem::path stderr_path_;
  std::uint16_t port_ = 0;
  std::string ca_file_;
};

}  // namespace blazed::testing
