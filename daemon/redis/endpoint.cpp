// Owns parsing redis.url into an Endpoint.
#include "redis/endpoint.hpp"

#include "core/errc.hpp"

#include <charconv>

namespace blazed::redis {
namespace {

Error bad(std::string_view why) { return make_error(blazed::errc::bad_config, "redis.url: " + std::string(why)); }

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

std::string Endpoint::describe() const {
  return is_unix() ? unix_path : host + ":" + std::to_string(port);
}

Result<Endpoint> parse_url(std::string_view url) {
  Endpoint ep;
  constexpr std::string_view unix_scheme = "unix://";
  constexpr std::string_view tcp_scheme = "redis://";
  if (url.starts_with(unix_scheme)) {
    std::string_view rest = url.substr(unix_scheme.size());
    auto q = rest.find('?');
    std::string_view path = rest.substr(0, q);
    if (path.empty() || path.front() != '/') return bad("unix:// needs an absolute socket path");
    ep.unix_path = std::string(path);
    if (q != std::string_view::npos) {
      std::string_view query = rest.substr(q + 1);
      if (!query.starts_with("db=") || !parse_number(query.substr(3), ep.db) || ep.db < 0)
        return bad("the only query parameter is db=N");
    }
    return ep;
  }
  if (!url.starts_with(tcp_scheme)) return bad("scheme must be redis:// or unix://");
  std::string_view rest = url.substr(tcp_scheme.size());
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!parse_number(db, ep.db) || ep.db < 0)) return bad("db must be a number");
  }
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view user = authority.substr(0, at);
    if (user.find(':') != std::string_view::npos)
      return bad("put the password in redis.password, not in the URL");
    ep.user = std::string(user);
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority;
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos &&
                                         authority.find(']') == std::string_view::npos) {
    host = authority.substr(0, colon);
    if (!parse_number(authority.substr(colon + 1), ep.port) || ep.port == 0)
      return bad("port must be 1-65535");
  }
  if (host.empty()) return bad("missing host");
  ep.host = std::string(host);
  return ep;
}

}  // namespace blazed::redis
