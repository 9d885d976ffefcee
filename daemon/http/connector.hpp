// Owns getting a connection for one exchange: a pooled keep-alive connection or a new one
// (bounded resolve, TCP, verified TLS), and the one fresh try when a pooled one was stale.
#pragma once

#include "core/error.hpp"
#include "http/pool.hpp"
#include "http/url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blazed::http {

inline constexpr auto tuple_awaitable = boost::asio::as_tuple(boost::asio::use_awaitable);

using Header = std::pair<std::string, std::string>;

struct Response {
  unsigned status = 0;
  std::vector<Header> headers;
  std::string body;

  // The first header named `name` (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

// What one exchange on one connection came to.
struct Attempt {
  Result<Response> result;
  bool stale = false;     // failed before any response byte: a pooled socket the peer had closed
  bool reusable = false;  // the connection may serve another request
};

// The Response of a parsed message, and whether its connection may be kept alive.
Attempt answered(boost::beast::http::response<boost::beast::http::string_body>&& msg);

// A failed write or read as http_timeout, http_too_large, http_protocol (not HTTP) or http_io
// (reset, closed early, also in the middle of a body).
Error io_error(std::string_view what, const boost::system::error_code& ec);
// Errors that a keep-alive connection the server already closed produces on first use.
bool stale_connection(const boost::system::error_code& ec);

// Errors: http_timeout, http_resolve_failed, http_connect_failed, tls_verify_failed, tls_error,
// and whatever the attempt returns. Threading: one Connector belongs to one executor.
class Connector {
 public:
  Connector(boost::asio::any_io_executor executor, boost::asio::ssl::context tls,
            std::size_t max_idle_per_origin, std::chrono::milliseconds idle_timeout);

  using AttemptFn = std::function<boost::asio::awaitable<Attempt>(Connection&)>;
  // Runs `attempt` on a pooled connection to url's origin, or on one opened (resolve, connect,
  // TLS handshake) by `connect_deadline`. A pooled connection the server has closed meanwhile
  // fails at once; then one new connection is tried. A fresh connection's failure is final.
  boost::asio::awaitable<Result<Response>> run(const Url& url,
                                               std::chrono::steady_clock::time_point connect_deadline,
                                               const AttemptFn& attempt);

  // TCP connections opened so far (reuse shows as requests > connections).
  [[nodiscard]] std::uint64_t connections_opened() const { return connections_opened_; }
  // Closes every idle connection.
  void close_idle() { pool_.clear(); }

 private:
  boost::asio::awaitable<Result<std::unique_ptr<Connection>>> connect(
      const Url& url, std::chrono::steady_clock::time_point deadline);

  boost::asio::any_io_executor executor_;
  boost::asio::ssl::context tls_;
  ConnectionPool pool_;
  std::uint64_t connections_opened_ = 0;
};

}  // namespace blazed::http
