// Owns the S3 client set-up shared by the S3 tests: test credentials (with a canary secret that
// must never show up in errors or logs), plain http to a local server, short deadlines.
#pragma once

#include "s3/client.hpp"

#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>

namespace blazed::testing {

inline constexpr const char* kCanarySecret = "CANARYsecretKEYdoNOTlog/0123456789abcdef";
inline constexpr const char* kCanaryToken = "CANARYsessionTOKENdoNOTlog";

inline s3::Credentials test_credentials(bool with_token = false) {
  s3::Credentials c;
  c.access_key_id = "S3RVER";
  c.secret_access_key = Secret(kCanarySecret);
  if (with_token) c.session_token = Secret(kCanaryToken);
  return c;
}

inline s3::ClientOptions test_options(const std::string& endpoint, const std::string& bucket) {
  s3::ClientOptions o;
  o.endpoint = endpoint;
  o.region = "us-east-1";
  o.bucket = bucket;
  o.addressing = s3::Addressing::path;
  o.transport.allow_plain_http = true;
  o.transport.connect_timeout = std::chrono::seconds(5);
  o.transport.stall_timeout = std::chrono::seconds(10);
  o.retry.max_attempts = 4;
  o.retry.base_delay = std::chrono::milliseconds(1);
  o.retry.slow_down_base_delay = std::chrono::milliseconds(2);
  o.retry.max_delay = std::chrono::milliseconds(5);
  return o;
}

inline std::unique_ptr<s3::Client> make_client(boost::asio::io_context& io, s3::ClientOptions o,
                                               s3::Jitter jitter = [] { return 0.5; },
                                               bool with_token = false) {
  auto c = s3::Client::create(io.get_executor(), std::move(o), test_credentials(with_token),
                              SystemClock::instance(), std::move(jitter));
  REQUIRE(c);
  return std::move(*c);
}

inline std::span<const std::uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace blazed::testing
