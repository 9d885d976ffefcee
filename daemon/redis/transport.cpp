// Owns Stream's three kinds of socket and opening them (async resolve, connect, TLS handshake).
#include "redis/transport.hpp"

#include "core/errc.hpp"
#include "http/tls.hpp"
#include "redis/errc.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <variant>

namespace blazed::redis {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

using UnixStream = beast::basic_stream<asio::local::stream_protocol>;

struct Stream::Impl {
  // monostate only until open_tcp/open_unix emplaces the socket; a Stream never holds it.
  std::variant<std::monostate, beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>, UnixStream> s;

  template <class F>
  auto with(F f) {
    if (auto* tcp = std::get_if<beast::tcp_stream>(&s)) return f(*tcp);
    if (auto* tls = std::get_if<beast::ssl_stream<beast::tcp_stream>>(&s)) return f(*tls);
    return f(std::get<UnixStream>(s));
  }
};

Stream::Stream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Stream::~Stream() = default;

asio::awaitable<std::tuple<error_code, std::size_t>> Stream::read_some(asio::mutable_buffer into) {
  co_return co_await impl_->with([&](auto& s) { return s.async_read_some(into, tuple_awaitable); });
}

asio::awaitable<std::tuple<error_code, std::size_t>> Stream::write(asio::const_buffer bytes) {
  co_return co_await impl_->with(
      [&](auto& s) { return asio::async_write(s, bytes, tuple_awaitable); });
}

void Stream::close() noexcept {
  error_code ignored;
  impl_->with([&](auto& s) { beast::get_lowest_layer(s).socket().close(ignored); });
}

namespace {

Error timed_out(const std::string& what) {
  return make_error(blazed::errc::timeout, "redis: " + what + " timed out");
}

}  // namespace

asio::awaitable<Result<std::unique_ptr<Stream>>> open_tcp(asio::any_io_executor executor,
                                                          const HostPort& where,
                                                          asio::ssl::context* tls,
                                                          std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string name = where.describe();
  // Asio resolves on its own background thread (getaddrinfo), never on the event loop; the
  // timer bounds how long we wait for it.
  asio::ip::tcp::resolver resolver(executor);
  asio::steady_timer timer(executor, deadline);
  auto raced = co_await (resolver.async_resolve(where.host, std::to_string(where.port),
                                                tuple_awaitable) ||
                         timer.async_wait(tuple_awaitable));
  if (raced.index() == 1) co_return timed_out("resolving " + where.host);
  auto [rec, endpoints] = std::get<0>(std::move(raced));
  if (rec) co_return make_error(errc::redis_unavailable, "redis: cannot resolve " + where.host + ": " + rec.message());

  auto impl = std::make_unique<Stream::Impl>();
  beast::tcp_stream* tcp = nullptr;
  SSL* ssl = nullptr;
  if (tls != nullptr) {
    auto& s = impl->s.emplace<beast::ssl_stream<beast::tcp_stream>>(executor, *tls);
    tcp = &s.next_layer();
    ssl = s.native_handle();
    error_code ip_ec;
    (void)asio::ip::make_address(where.host, ip_ec);
    if (auto st = http::prepare_tls_connection(ssl, where.host, !ip_ec); !st) co_return st.error();
  } else {
    tcp = &impl->s.emplace<beast::tcp_stream>(executor);
  }
  tcp->expires_at(deadline);
  auto [cec, ep] = co_await tcp->async_connect(endpoints, tuple_awaitable);
  (void)ep;
  if (cec == beast::error::timeout) co_return timed_out("connecting to " + name);
  if (cec) co_return make_error(errc::redis_unavailable, "redis: cannot connect to " + name + ": " + cec.message());
  if (ssl != nullptr) {
    tcp->expires_at(deadline);
    auto& s = std::get<beast::ssl_stream<beast::tcp_stream>>(impl->s);
    auto [hec] = co_await s.async_handshake(asio::ssl::stream_base::client, tuple_awaitable);
    if (hec == beast::error::timeout) co_return timed_out("TLS handshake with " + name);
    if (hec) co_return http::handshake_error(ssl, hec).context("redis: " + name);
  }
  tcp->expires_never();
  co_return std::make_unique<Stream>(std::move(impl));
}

asio::awaitable<Result<std::unique_ptr<Stream>>> open_unix(asio::any_io_executor executor,
                                                           const std::string& path,
                                                           std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Stream::Impl>();
  auto& s = impl->s.emplace<UnixStream>(executor);
  s.expires_after(timeout);
  auto [ec] = co_await s.async_connect(asio::local::stream_protocol::endpoint(path), tuple_awaitable);
  if (ec == beast::error::timeout) co_return timed_out("connecting to " + path);
  if (ec) co_return make_error(errc::redis_unavailable, "redis: cannot connect to " + path + ": " + ec.message());
  s.expires_never();
  co_return std::make_unique<Stream>(std::move(impl));
}

}  // namespace blazed::redis
