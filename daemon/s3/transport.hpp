// Owns one HTTP exchange with S3 (connections and keep-alive reuse from blazed_http's Connector):
// streaming the request body and reading the answer under a read deadline that catches a
// stalled connection however large the body. Retries are the caller's (client.cpp).
#pragma once

#include "core/error.hpp"
#include "http/connector.hpp"
#include "s3/addressing.hpp"
#include "s3/sigv4.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace blazed::s3 {

struct TransportOptions {
  std::string ca_file;            // PEM bundle; empty: the system trust store
  bool allow_plain_http = false;  // http:// endpoints only when set (local test servers)
  std::chrono::milliseconds connect_timeout{10'000};  // resolve, TCP connect, TLS handshake
  // The read deadline: any single write or read that makes no progress for this long fails
  // with s3_timeout (a stalled peer), while a large body that keeps moving never does.
  std::chrono::milliseconds stall_timeout{30'000};
  std::string user_agent = "blazed";
  std::size_t max_idle_per_origin = 4;
  std::chrono::milliseconds idle_timeout{4'000};  // S3 closes idle connections after ~5 s
};

struct WireRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  const Address* address = nullptr;
  std::string target;                      // encoded path and query
  std::vector<Header> headers;             // signed ones and the rest; Host is set here
  std::span<const std::uint8_t> body;      // must outlive the exchange
  std::size_t max_response_bytes = 1024 * 1024;
};

using WireResponse = http::Response;

// Errors: s3_timeout (connect or stall deadline), s3_connection (resolve, connect, reset,
// closed early), s3_tls (certificate rejected, handshake failed), s3_too_large (answer above
// the limit), s3_protocol (not HTTP), s3_bad_config (plain http refused).
// Threading: one Transport belongs to one executor; concurrent exchanges each take their own
// connection.
class Transport {
 public:
  static Result<std::unique_ptr<Transport>> create(boost::asio::any_io_executor executor,
                                                   TransportOptions options);
  boost::asio::awaitable<Result<WireResponse>> exchange(const WireRequest& request);

  [[nodiscard]] std::uint64_t connections_opened() const { return connector_.connections_opened(); }
  void close_idle() { connector_.close_idle(); }

 private:
  Transport(boost::asio::any_io_executor executor, TransportOptions options,
            boost::asio::ssl::context tls);
  boost::asio::awaitable<http::Attempt> once(http::Connection& conn, const WireRequest& request);

  TransportOptions options_;
  http::Connector connector_;
};

}  // namespace blazed::s3
