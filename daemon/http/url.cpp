// Owns URL parsing for the HTTP client (on Boost.URL).
#include "http/url.hpp"

#include "http/errc.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace blazed::http {

std::string Url::origin() const {
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

bool Url::host_is_ip() const {
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(host, ec);
  return !ec;
}

Result<Url> parse_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return make_error(errc::http_bad_url, "not an absolute URL");
  const boost::urls::url_view& u = *parsed;
  Url out;
  if (u.scheme_id() == boost::urls::scheme::https) {
    out.tls = true;
    out.port = 443;
  } else if (u.scheme_id() == boost::urls::scheme::http) {
    out.tls = false;
    out.port = 80;
  } else {
    return make_error(errc::http_bad_url, "scheme must be http or https");
  }
  if (u.has_userinfo()) return make_error(errc::http_bad_url, "user info in URLs is not supported");
  out.host = u.host_address();
  if (out.host.empty()) return make_error(errc::http_bad_url, "URL has no host");
  if (u.has_port()) {
    if (u.port_number() == 0) return make_error(errc::http_bad_url, "bad port");
    out.port = u.port_number();
  }
  out.target = std::string(u.encoded_path());
  if (out.target.empty()) out.target = "/";
  if (u.has_query()) out.target += "?" + std::string(u.encoded_query());
  return out;
}

}  // namespace blazed::http
