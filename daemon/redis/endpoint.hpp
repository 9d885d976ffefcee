// Owns Endpoint: where and as whom to connect, parsed from redis.url
// (redis://[user@]host:port[/db] or unix:///path/to/redis.sock[?db=N]).
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace blazed::redis {

struct Endpoint {
  std::string host;       // empty for a Unix socket
  std::uint16_t port = 6379;
  std::string unix_path;  // set for unix:// URLs
  std::string user;       // ACL user; empty: the default user
  int db = 0;

  [[nodiscard]] bool is_unix() const noexcept { return !unix_path.empty(); }
  // host:port or the socket path, for logs (never a credential).
  [[nodiscard]] std::string describe() const;
};

// Fails with code "bad_config" on anything else, including a password inside the URL
// (passwords come from redis.password so they never sit in the YAML).
Result<Endpoint> parse_url(std::string_view url);

}  // namespace blazed::redis
