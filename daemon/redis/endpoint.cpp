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

// host, host:port, [v6], [v6]:port.
Result<HostPort> parse_host_port(std::string_view s, std::uint16_t default_port) {
  HostPort hp{.host = {}, .port = default_port};
  std::string_view host = s;
  std::string_view port;
  if (s.starts_with('[')) {
    auto close = s.find(']');
    if (close == std::string_view::npos) return bad("unclosed [ in host");
    host = s.substr(1, close - 1);
    std::string_view after = s.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return bad("expected :port after ]");
      port = after.substr(1);
      if (port.empty()) return bad("port must be 1-65535");
    }
  } else if (auto colon = s.rfind(':'); colon != std::string_view::npos) {
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (port.empty()) return bad("port must be 1-65535");
  }
  if (!port.empty() && (!parse_number(port, hp.port) || hp.port == 0))
    return bad("port must be 1-65535");
  if (host.empty()) return bad("missing host");
  hp.host = std::string(host);
  return hp;
}

Result<std::string_view> take_user(std::string_view authority, Endpoint& ep) {
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view user = authority.substr(0, at);
    if (user.find(':') != std::string_view::npos)
      return bad("put the password in redis.password, not in the URL");
    ep.user = std::string(user);
    return authority.substr(at + 1);
  }
  return authority;
}

Status parse_db(std::string_view db, Endpoint& ep) {
  if (!db.empty() && (!parse_number(db, ep.db) || ep.db < 0)) return bad("db must be a number");
  return {};
}

}  // namespace

std::string HostPort::describe() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

std::string Endpoint::describe() const {
  if (is_unix()) return unix_path;
  if (!is_sentinel()) return HostPort{host, port}.describe();
  std::string out = master_name + "@";
  for (std::size_t i = 0; i < sentinels.size(); ++i)
    out += (i == 0 ? "" : ",") + sentinels[i].describe();
  return out;
}

Result<Endpoint> parse_url(std::string_view url) {
  Endpoint ep;
  constexpr std::string_view unix_scheme = "unix://";
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
  auto scheme_end = url.find("://");
  std::string_view scheme = url.substr(0, scheme_end);
  bool sentinel = scheme == "redis+sentinel" || scheme == "rediss+sentinel";
  ep.tls = scheme == "rediss" || scheme == "rediss+sentinel";
  if (scheme_end == std::string_view::npos || (!sentinel && !ep.tls && scheme != "redis"))
    return bad("scheme must be redis://, rediss://, redis+sentinel://, rediss+sentinel:// or unix://");
  std::string_view rest = url.substr(scheme_end + 3);
  auto slash = rest.find('/');
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  auto authority = take_user(rest.substr(0, slash), ep);
  if (!authority) return authority.error();

  if (!sentinel) {
    if (auto st = parse_db(path, ep); !st) return st.error();
    auto hp = parse_host_port(*authority, 6379);
    if (!hp) return hp.error();
    ep.host = std::move(hp->host);
    ep.port = hp->port;
    return ep;
  }
  // Sentinel: host:port,host:port/master-name[/db]; sentinels listen on 26379 by default.
  auto name_end = path.find('/');
  ep.master_name = std::string(path.substr(0, name_end));
  if (ep.master_name.empty()) return bad("a sentinel URL needs /master-name after the sentinels");
  if (name_end != std::string_view::npos) {
    if (auto st = parse_db(path.substr(name_end + 1), ep); !st) return st.error();
  }
  std::string_view list = *authority;
  while (true) {
    auto comma = list.find(',');
    auto hp = parse_host_port(list.substr(0, comma), 26379);
    if (!hp) return hp.error();
    ep.sentinels.push_back(std::move(*hp));
    if (comma == std::string_view::npos) break;
    list = list.substr(comma + 1);
  }
  return ep;
}

}  // namespace blazed::redis
