// Owns S3 addressing: which host, port and path a request for a bucket and key goes to, in
// virtual-hosted style (bucket.s3.region.amazonaws.com/key) or path style (host/bucket/key).
#pragma once

#include "core/error.hpp"
#include "http/url.hpp"

#include <string>
#include <string_view>

namespace blazed::s3 {

enum class Addressing {
  automatic,       // virtual-hosted when the bucket allows it (DNS name without dots, a DNS
                   // endpoint), path style otherwise (IP endpoints, local test servers)
  virtual_hosted,
  path,
};

struct Endpoint {
  http::Url origin;      // scheme, host, port (target unused)
  Addressing addressing = Addressing::automatic;
};

// `endpoint` empty: https://s3.REGION.amazonaws.com. Otherwise an absolute http(s) URL without
// a path. s3_bad_config on a bad URL or region.
Result<Endpoint> make_endpoint(std::string_view endpoint, std::string_view region,
                               Addressing addressing);

// Bucket names: 3-63 of [a-z0-9.-], starting and ending with a letter or digit.
bool valid_bucket_name(std::string_view bucket) noexcept;

// Where one request goes. `raw_path` is unencoded ("/bucket/my key" or "/my key"); it is what
// the signer encodes, and the wire carries canonical_path(raw_path).
struct Address {
  bool tls = true;
  std::string host;  // to connect to
  std::uint16_t port = 443;
  std::string host_header;  // host, with ":port" unless it is the scheme's default
  std::string raw_path;
  [[nodiscard]] std::string origin() const;  // pool key
};

// Virtual-hosted style needs a bucket that is a DNS label sequence without dots (with TLS a
// dot would break the wildcard certificate); s3_bad_config when it is forced and impossible.
Result<Address> address(const Endpoint& endpoint, std::string_view bucket, std::string_view key);

}  // namespace blazed::s3
