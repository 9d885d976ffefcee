// Owns Endpoint: where and as whom to connect, parsed from redis.url
// (redis[s]://[user@]host:port[/db], unix:///path/to/redis.sock[?db=N], or
// redis[s]+sentinel://[user@]host:port,host:port/master-name[/db]).
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::redis {

struct HostPort {
  std::string host;  // a DNS name or an IP literal (without brackets)
  std::uint16_t port = 6379;

  [[nodiscard]] std::string describe() const;
  friend bool operator==(const HostPort&, const HostPort&) = default;
};

struct Endpoint {
  std::string host;       // empty for a Unix socket and for Sentinel
  std::uint16_t port = 6379;
  std::string unix_path;  // set for unix:// URLs
  std::string user;       // ACL user; empty: the default user
  int db = 0;
  bool tls = false;       // rediss:// (and rediss+sentinel://: sentinels and master alike)
  std::vector<HostPort> sentinels;  // set for redis+sentinel:// URLs
  std::string master_name;          // the name the sentinels monitor the master under

  [[nodiscard]] bool is_unix() const noexcept { return !unix_path.empty(); }
  [[nodiscard]] bool is_sentinel() const noexcept { return !sentinels.empty(); }
  // host:port, the socket path, or master-name@sentinels, for logs (never a credential).
  [[nodiscard]] std::string describe() const;
};

// Fails with code "bad_config" on anything else, including a password inside the URL
// (passwords come from redis.password so they never sit in the YAML).
Result<Endpoint> parse_url(std::string_view url);

}  // namespace blazed::redis
