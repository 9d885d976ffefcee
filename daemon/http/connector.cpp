// Owns opening and reusing connections: resolve (off the event loop, under the deadline), TCP
// connect, TLS handshake, and the error classes every exchange on them shares.
#include "http/connector.hpp"

#include "http/tls.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace blazed::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using steady = std::chrono::steady_clock;

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (beast::iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

Attempt answered(bhttp::response<bhttp::string_body>&& msg) {
  Response res;
  res.status = msg.result_int();
  for (const auto& field : msg) {
    res.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  res.body = std::move(msg.body());
  return Attempt{std::move(res), false, msg.keep_alive()};
}

Error io_error(std::string_view what, const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return make_error("http_timeout", std::string(what) + " timed out");
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
    return make_error("http_too_large", "response exceeds the configured size limit");
  }
  // end_of_stream and partial_message are the peer closing early, not a peer that speaks no HTTP.
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    return make_error("http_protocol", std::string(what) + ": " + ec.message());
  }
  return make_error("http_io", std::string(what) + ": " + ec.message());
}

bool stale_connection(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

Connector::Connector(asio::any_io_executor executor, asio::ssl::context tls,
                     std::size_t max_idle_per_origin, std::chrono::milliseconds idle_timeout)
    : executor_(std::move(executor)),
      tls_(std::move(tls)),
      pool_(max_idle_per_origin, idle_timeout) {}

asio::awaitable<Result<Response>> Connector::run(const Url& url, steady::time_point connect_deadline,
                                                 const AttemptFn& attempt) {
  const std::string origin = url.origin();
  for (;;) {
    std::unique_ptr<Connection> conn = pool_.take(origin);
    const bool reused = conn != nullptr;
    if (!conn) {
      auto opened = co_await connect(url, connect_deadline);
      if (!opened) co_return opened.error();
      conn = std::move(*opened);
    }
    Attempt at = co_await attempt(*conn);
    if (at.reusable) {
      pool_.give_back(std::move(conn));
    } else {
      conn->close();
    }
    if (at.stale && reused) continue;
    co_return std::move(at.result);
  }
}

asio::awaitable<Result<std::unique_ptr<Connection>>> Connector::connect(const Url& url,
                                                                        steady::time_point deadline) {
  using namespace asio::experimental::awaitable_operators;
  if (deadline <= steady::now()) co_return make_error("http_timeout", "connect timed out");
  // Asio resolves on its own background thread (getaddrinfo), never on the event loop; the
  // timer bounds how long we wait for it.
  asio::ip::tcp::resolver resolver(executor_);
  asio::steady_timer timer(executor_, deadline);
  auto raced = co_await (resolver.async_resolve(url.host, std::to_string(url.port), tuple_awaitable) ||
                         timer.async_wait(tuple_awaitable));
  if (raced.index() == 1) co_return make_error("http_timeout", "resolving " + url.host + " timed out");
  auto [rec, endpoints] = std::get<0>(std::move(raced));
  if (rec) co_return make_error("http_resolve_failed", "cannot resolve " + url.host);

  auto conn = std::make_unique<Connection>();
  conn->origin = url.origin();
  if (url.tls) {
    conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor_, tls_);
    if (auto st = prepare_tls_connection(conn->tls->native_handle(), url.host, url.host_is_ip());
        !st) {
      co_return st.error();
    }
  } else {
    conn->plain = std::make_unique<beast::tcp_stream>(executor_);
  }
  conn->tcp().expires_at(deadline);
  auto [cec, ep] = co_await conn->tcp().async_connect(endpoints, tuple_awaitable);
  (void)ep;
  if (cec == beast::error::timeout) co_return make_error("http_timeout", "connect timed out");
  if (cec) co_return make_error("http_connect_failed", "cannot connect to " + url.origin() + ": " + cec.message());
  ++connections_opened_;

  if (url.tls) {
    conn->tcp().expires_at(deadline);
    auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, tuple_awaitable);
    if (hec == beast::error::timeout) co_return make_error("http_timeout", "TLS handshake timed out");
    if (hec) co_return handshake_error(conn->tls->native_handle(), hec);
  }
  conn->tcp().expires_never();
  co_return conn;
}

}  // namespace blazed::http
