// Owns the parsing of absolute http(s) URLs into the parts a connection needs.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace blazed::http {

struct Url {
  bool tls = true;     // https (true) or http (false)
  std::string host;    // host name or IP literal, without brackets
  std::uint16_t port = 443;
  std::string target;  // path and query, always starting with '/'

  // "https://host:port": the key connections are pooled under.
  [[nodiscard]] std::string origin() const;
  [[nodiscard]] bool host_is_ip() const;
};

// Parses an absolute URL. Only http and https; no user info; fragment dropped.
Result<Url> parse_url(std::string_view text);

}  // namespace blazed::http
