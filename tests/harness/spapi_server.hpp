// Owns SpapiServer: runs the local SP-API test server (tests/spapi-server, Node.js) for C++ tests on
// a free port in a temporary directory, talks HTTPS to it with its CA, and stops it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "harness/daemon_process.hpp"
#include "harness/temp_dir.hpp"

namespace blazed::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
};

class SpapiServer {
 public:
  // config_json: the --config file's content (sellers, lwa, faults); empty for none.
  // Throws when the server does not start within `timeout`.
  explicit SpapiServer(const std::string& config_json = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~SpapiServer();  // SIGTERM, then SIGKILL if it lingers
  SpapiServer(const SpapiServer&) = delete;
  SpapiServer& operator=(const SpapiServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  // The CA file clients must trust (certificate covers localhost and 127.0.0.1).
  [[nodiscard]] const std::filesystem::path& ca_file() const { return ca_; }
  // "https://127.0.0.1:PORT": the SP-API endpoint and the LWA endpoint (path /auth/o2/token).
  [[nodiscard]] std::string url() const;

  // One HTTPS request (new connection, CA verified). Throws on transport errors only.
  HttpReply request(const std::string& method, const std::string& target,
                    const std::string& body = {},
                    const std::map<std::string, std::string>& headers = {}) const;
  // The admin API: `path` below /_admin (e.g. "/sellers/S1"), JSON body.
  HttpReply admin(const std::string& method, const std::string& path,
                  const std::string& json_body = {}) const;
  // LWA exchange with the server's default client credentials; throws unless it answers 200.
  [[nodiscard]] std::string access_token(const std::string& refresh_token) const;

  // Default client credentials of the server (see tests/spapi-server/README.md).
  static constexpr const char* kClientId = "blazed-test-client";
  static constexpr const char* kClientSecret = "blazed-test-secret";

  // SIGTERM and wait; the exit code (0 when it stopped cleanly), nullopt on timeout.
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  TempDir dir_{"blazed-spapi"};
  std::unique_ptr<DaemonProcess> process_;
  std::uint16_t port_ = 0;
  std::filesystem::path ca_;
};

}  // namespace blazed::testing
