// Owns the S3 exchange on Beast: connection set-up, the streamed write and the incremental read,
// each step under the stall deadline.
#include "s3/transport.hpp"

#include "http/tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace blazed::s3 {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;

Error io_error(std::string_view what, const boost::system::error_code& ec) {
  if (ec == beast::error::timeout)
    return make_error("s3_timeout", std::string(what) + ": no progress before the read deadline");
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit)
    return make_error("s3_too_large", "answer exceeds the size limit");
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
    return make_error("s3_protocol", std::string(what) + ": " + ec.message());
  return make_error("s3_connection", std::string(what) + ": " + ec.message());
}

bool stale_connection(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

}  // namespace

std::optional<std::string_view> WireResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (beast::iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

struct Transport::Attempt {
  Result<WireResponse> result;
  bool stale = false;     // failed before any answer byte: a pooled socket the peer had closed
  bool reusable = false;  // may serve another request
};

Result<std::unique_ptr<Transport>> Transport::create(asio::any_io_executor executor,
                                                     TransportOptions options) {
  auto tls = http::make_tls_context(options.ca_file);
  if (!tls) return make_error("s3_bad_config", "TLS set-up failed: " + tls.error().message);
  return std::unique_ptr<Transport>(new Transport(std::move(executor), std::move(options), std::move(*tls)));
}

Transport::Transport(asio::any_io_executor executor, TransportOptions options, asio::ssl::context tls)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      tls_(std::move(tls)),
      pool_(options_.max_idle_per_origin, options_.idle_timeout) {}

asio::awaitable<Result<WireResponse>> Transport::exchange(const WireRequest& request) {
  const Address& a = *request.address;
  if (!a.tls && !options_.allow_plain_http)
    co_return make_error("s3_bad_config", "plain http is not allowed for " + a.origin());
  const std::string origin = a.origin();
  for (;;) {
    std::unique_ptr<http::Connection> conn = pool_.take(origin);
    const bool reused = conn != nullptr;
    if (!conn) {
      auto opened = co_await connect(a);
      if (!opened) co_return opened.error();
      conn = std::move(*opened);
    }
    Attempt at = co_await once(*conn, request);
    if (at.reusable) {
      pool_.give_back(std::move(conn));
    } else {
      conn->close();
    }
    if (at.stale && reused) continue;  // once more on a fresh connection, not a retry
    co_return std::move(at.result);
  }
}

asio::awaitable<Result<std::unique_ptr<http::Connection>>> Transport::connect(const Address& a) {
  using namespace asio::experimental::awaitable_operators;
  // Asio resolves on its own background thread (getaddrinfo), never on the event loop; the
  // timer bounds how long we wait for it.
  asio::ip::tcp::resolver resolver(executor_);
  asio::steady_timer timer(executor_, options_.connect_timeout);
  auto raced = co_await (resolver.async_resolve(a.host, std::to_string(a.port), tuple_awaitable) ||
                         timer.async_wait(tuple_awaitable));
  if (raced.index() == 1) co_return make_error("s3_timeout", "resolving " + a.host + " timed out");
  auto [rec, endpoints] = std::get<0>(std::move(raced));
  if (rec) co_return make_error("s3_connection", "cannot resolve " + a.host);

  auto conn = std::make_unique<http::Connection>();
  conn->origin = a.origin();
  boost::system::error_code ip_ec;
  (void)asio::ip::make_address(a.host, ip_ec);
  if (a.tls) {
    conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor_, tls_);
    if (auto st = http::prepare_tls_connection(conn->tls->native_handle(), a.host, !ip_ec); !st)
      co_return make_error("s3_tls", st.error().message);
  } else {
    conn->plain = std::make_unique<beast::tcp_stream>(executor_);
  }
  conn->tcp().expires_after(options_.connect_timeout);
  auto [cec, ep] = co_await conn->tcp().async_connect(endpoints, tuple_awaitable);
  (void)ep;
  if (cec == beast::error::timeout) co_return make_error("s3_timeout", "connecting to " + a.origin() + " timed out");
  if (cec) co_return make_error("s3_connection", "cannot connect to " + a.origin() + ": " + cec.message());
  ++connections_opened_;
  if (a.tls) {
    conn->tcp().expires_after(options_.connect_timeout);
    auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, tuple_awaitable);
    if (hec == beast::error::timeout) co_return make_error("s3_timeout", "TLS handshake timed out");
    if (hec) {
      const Error e = http::handshake_error(conn->tls->native_handle(), hec);
      co_return make_error("s3_tls", e.message);
    }
  }
  conn->tcp().expires_never();
  co_return conn;
}

asio::awaitable<Transport::Attempt> Transport::once(http::Connection& conn, const WireRequest& request) {
  Attempt at{make_error("s3_connection", "no answer"), false, false};
  using Body = bhttp::span_body<const char>;
  bhttp::request<Body> req{request.method, request.target, 11};
  req.set(bhttp::field::host, request.address->host_header);
  req.set(bhttp::field::user_agent, options_.user_agent);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = std::span<const char>(reinterpret_cast<const char*>(request.body.data()), request.body.size());
  req.keep_alive(true);
  req.prepare_payload();
  if (request.method == bhttp::verb::put || request.method == bhttp::verb::post)
    req.content_length(request.body.size());

  // Write in steps, re-arming the deadline for each: a moving upload never times out, a
  // stalled one does after stall_timeout.
  bhttp::request_serializer<Body> sr{req};
  bool wrote_any = false;
  while (!sr.is_done()) {
    conn.tcp().expires_after(options_.stall_timeout);
    auto [wec, n] = conn.tls ? co_await bhttp::async_write_some(*conn.tls, sr, tuple_awaitable)
                             : co_await bhttp::async_write_some(*conn.plain, sr, tuple_awaitable);
    if (wec) {
      at.stale = !wrote_any && stale_connection(wec);
      at.result = io_error("sending the request", wec);
      co_return at;
    }
    wrote_any = wrote_any || n > 0;
  }

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(request.max_response_bytes);
  parser.header_limit(kMaxHeaderBytes);
  if (request.method == bhttp::verb::head) parser.skip(true);
  while (!parser.is_done()) {
    conn.tcp().expires_after(options_.stall_timeout);
    auto [rec, n] = conn.tls ? co_await bhttp::async_read_some(*conn.tls, conn.buffer, parser, tuple_awaitable)
                             : co_await bhttp::async_read_some(*conn.plain, conn.buffer, parser, tuple_awaitable);
    (void)n;
    if (rec) {
      conn.tcp().expires_never();
      at.stale = !parser.got_some() && stale_connection(rec);
      at.result = io_error("reading the answer", rec);
      co_return at;
    }
  }
  conn.tcp().expires_never();
  auto msg = parser.release();
  WireResponse res;
  res.status = msg.result_int();
  for (const auto& field : msg) res.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  res.body = std::move(msg.body());
  at.reusable = msg.keep_alive();
  at.result = std::move(res);
  co_return at;
}

}  // namespace blazed::s3
