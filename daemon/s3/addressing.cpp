// Owns the choice of host and path for S3 requests.
#include "s3/addressing.hpp"

#include "s3/errc.hpp"

namespace blazed::s3 {

Result<Endpoint> make_endpoint(std::string_view endpoint, std::string_view region,
                               Addressing addressing) {
  Endpoint out;
  out.addressing = addressing;
  std::string url(endpoint);
  if (url.empty()) {
    if (region.empty() || region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") !=
                              std::string_view::npos)
      return make_error(errc::s3_bad_config, "S3 needs a region (e.g. eu-central-1) or an endpoint");
    url = "https://s3." + std::string(region) + ".amazonaws.com";
  }
  auto parsed = http::parse_url(url);
  if (!parsed) return make_error(errc::s3_bad_config, "bad S3 endpoint: " + parsed.error().message);
  if (parsed->target != "/") return make_error(errc::s3_bad_config, "the S3 endpoint must not have a path");
  out.origin = std::move(*parsed);
  return out;
}

bool valid_bucket_name(std::string_view b) noexcept {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return alnum(b.front()) && alnum(b.back()) && b.find("..") == std::string_view::npos;
}

std::string Address::origin() const {
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

Result<Address> address(const Endpoint& endpoint, std::string_view bucket, std::string_view key) {
  if (!valid_bucket_name(bucket)) return make_error(errc::s3_bad_config, "invalid bucket name");
  const http::Url& o = endpoint.origin;
  const bool vhost_possible = bucket.find('.') == std::string_view::npos && !o.host_is_ip();
  bool vhost = false;
  switch (endpoint.addressing) {
    case Addressing::automatic: vhost = vhost_possible; break;
    case Addressing::path: vhost = false; break;
    case Addressing::virtual_hosted:
      if (!vhost_possible)
        return make_error(errc::s3_bad_config,
                          "virtual-hosted addressing needs a bucket without dots and a DNS endpoint");
      vhost = true;
      break;
  }
  Address a;
  a.tls = o.tls;
  a.port = o.port;
  a.host = vhost ? std::string(bucket) + "." + o.host : o.host;
  const bool default_port = o.tls ? o.port == 443 : o.port == 80;
  const std::string bracketed = a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host;
  a.host_header = default_port ? bracketed : bracketed + ":" + std::to_string(o.port);
  a.raw_path = vhost ? "/" + std::string(key) : "/" + std::string(bucket) + (key.empty() ? "" : "/" + std::string(key));
  if (!vhost && key.empty()) a.raw_path = "/" + std::string(bucket);
  return a;
}

}  // namespace blazed::s3
