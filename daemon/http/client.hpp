// Owns blazed's HTTPS client: verified TLS (CA file or system store, SNI, host-name check),
// keep-alive reuse per origin, connect/read/total timeouts, a bounded response size, and
// plain http only when explicitly allowed (development against local servers).
#pragma once

#include "core/error.hpp"
#include "core/secret.hpp"
#include "http/connector.hpp"
#include "http/url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blazed::http {

struct ClientOptions {
  std::string ca_file;            // PEM bundle to trust; empty: the system trust store
  bool allow_plain_http = false;  // http:// URLs are refused unless this is set
  std::chrono::milliseconds connect_timeout{5'000};  // TCP connect plus TLS handshake
  std::chrono::milliseconds read_timeout{30'000};    // each write/read of one exchange
  std::chrono::milliseconds total_timeout{60'000};   // a whole request, retries included
  std::size_t max_response_bytes = 16 * 1024 * 1024;  // body limit; headers are capped at 64 KiB
  std::string user_agent;         // see make_user_agent(); required
  std::size_t max_idle_per_origin = 4;
  std::chrono::milliseconds idle_timeout{50'000};  // below the usual 60 s server keep-alive
};

struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string url;  // absolute: https://host[:port]/path?query
  std::vector<Header> headers;
  // Header values that are credentials (x-amz-access-token); kept out of everything but the wire.
  std::vector<std::pair<std::string, Secret>> secret_headers;
  std::string content_type;
  Secret body;  // a Secret because the LWA form carries refresh tokens and the client secret
};

// Error codes: http_bad_url, http_plain_refused, http_resolve_failed, http_connect_failed,
// tls_verify_failed, tls_error, http_timeout, http_too_large, http_io, http_protocol.
// Any HTTP status is a successful Response; callers map statuses to their own errors.
//
// Threading: one Client belongs to one executor and must only be used from it (the pool is
// not locked). Concurrent requests on that executor are fine; each takes its own connection.
class Client {
 public:
  static Result<std::unique_ptr<Client>> create(boost::asio::any_io_executor executor,
                                                ClientOptions options);

  boost::asio::awaitable<Result<Response>> request(Request request);

  // TCP connections opened so far (reuse shows as requests > connections).
  [[nodiscard]] std::uint64_t connections_opened() const { return connector_.connections_opened(); }
  // Closes every idle connection.
  void close_idle() { connector_.close_idle(); }

 private:
  Client(boost::asio::any_io_executor executor, ClientOptions options,
         boost::asio::ssl::context tls);

  boost::asio::awaitable<Attempt> exchange(Connection& conn, const Request& request,
                                           const Url& url,
                                           std::chrono::steady_clock::time_point deadline);

  ClientOptions options_;
  Connector connector_;
};

}  // namespace blazed::http
