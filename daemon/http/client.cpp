// Owns the request path of the HTTP client: connect (resolve, TCP, TLS), one exchange on a
// pooled or new connection, timeouts from one deadline, and the retry on a stale pooled socket.
#include "http/client.hpp"

#include "http/tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>

namespace blazed::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using steady = std::chrono::steady_clock;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr std::uint32_t max_header_bytes = 64 * 1024;

// Arms the stream's timer with the smaller of `op` and what is left until `deadline`.
bool arm(beast::tcp_stream& stream, std::chrono::milliseconds op, steady::time_point deadline) {
  const auto left = deadline - steady::now();
  if (left <= steady::duration::zero()) return false;
  stream.expires_after(std::min<steady::duration>(op, left));
  return true;
}

Error io_error(std::string_view what, const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return make_error("http_timeout", std::string(what) + " timed out");
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
    return make_error("http_too_large", "response exceeds the configured size limit");
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() &&
      ec != bhttp::error::end_of_stream) {
    return make_error("http_protocol", std::string(what) + ": " + ec.message());
  }
  return make_error("http_io", std::string(what) + ": " + ec.message());
}

// Errors that a keep-alive connection the server already closed produces on first use.
bool stale_connection(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

std::string host_header(const Url& url) {
  const bool default_port = url.tls ? url.port == 443 : url.port == 80;
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  return default_port ? host : host + ":" + std::to_string(url.port);
}

}  // namespace

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (beast::iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

struct Client::Exchange {
  Result<Response> result;
  bool stale = false;       // failed before any response byte on a reused connection
  bool reusable = false;    // the connection may serve another request
};

Result<std::unique_ptr<Client>> Client::create(asio::any_io_executor executor,
                                               ClientOptions options) {
  if (options.user_agent.empty()) return make_error("bad_config", "HTTP client needs a user agent");
  auto tls = make_tls_context(options.ca_file);
  if (!tls) return tls.error();
  return std::unique_ptr<Client>(new Client(std::move(executor), std::move(options), std::move(*tls)));
}

Client::Client(asio::any_io_executor executor, ClientOptions options, asio::ssl::context tls)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      tls_(std::move(tls)),
      pool_(options_.max_idle_per_origin, options_.idle_timeout) {}

asio::awaitable<Result<Response>> Client::request(Request request) {
  auto url = parse_url(request.url);
  if (!url) co_return url.error();
  if (!url->tls && !options_.allow_plain_http) {
    co_return make_error("http_plain_refused", "plain http is not allowed for " + url->origin());
  }
  const auto deadline = steady::now() + options_.total_timeout;
  const std::string origin = url->origin();

  // A pooled connection the server has closed meanwhile fails at once; then one new
  // connection is tried. A fresh connection's failure is final.
  for (;;) {
    std::unique_ptr<Connection> conn = pool_.take(origin);
    const bool reused = conn != nullptr;
    if (!conn) {
      auto opened = co_await connect(*url, deadline);
      if (!opened) co_return opened.error();
      conn = std::move(*opened);
    }
    Exchange ex = co_await exchange(*conn, request, *url, deadline);
    if (ex.reusable) {
      pool_.give_back(std::move(conn));
    } else {
      conn->close();
    }
    if (ex.stale && reused) continue;
    co_return std::move(ex.result);
  }
}

asio::awaitable<Result<std::unique_ptr<Connection>>> Client::connect(const Url& url,
                                                                     steady::time_point deadline) {
  asio::ip::tcp::resolver resolver(executor_);
  auto [rec, endpoints] =
      co_await resolver.async_resolve(url.host, std::to_string(url.port), tuple_awaitable);
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
  const auto connect_deadline = std::min(deadline, steady::now() + options_.connect_timeout);
  if (!arm(conn->tcp(), options_.connect_timeout, connect_deadline)) {
    co_return make_error("http_timeout", "connect timed out");
  }
  auto [cec, ep] = co_await conn->tcp().async_connect(endpoints, tuple_awaitable);
  (void)ep;
  if (cec == beast::error::timeout) co_return make_error("http_timeout", "connect timed out");
  if (cec) co_return make_error("http_connect_failed", "cannot connect to " + url.origin() + ": " + cec.message());
  ++connections_opened_;

  if (url.tls) {
    if (!arm(conn->tcp(), options_.connect_timeout, connect_deadline)) {
      co_return make_error("http_timeout", "TLS handshake timed out");
    }
    auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, tuple_awaitable);
    if (hec == beast::error::timeout) co_return make_error("http_timeout", "TLS handshake timed out");
    if (hec) co_return handshake_error(conn->tls->native_handle(), hec);
  }
  conn->tcp().expires_never();
  co_return conn;
}

asio::awaitable<Client::Exchange> Client::exchange(Connection& conn, const Request& request,
                                                   const Url& url, steady::time_point deadline) {
  Exchange ex{make_error("http_io", "no response"), false, false};

  bhttp::request<bhttp::string_body> req{request.method, url.target, 11};
  req.set(bhttp::field::host, host_header(url));
  req.set(bhttp::field::user_agent, options_.user_agent);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  for (const auto& [name, value] : request.secret_headers) req.set(name, value.reveal());
  if (!request.content_type.empty()) req.set(bhttp::field::content_type, request.content_type);
  req.body().assign(request.body.reveal());
  req.keep_alive(true);
  req.prepare_payload();

  if (!arm(conn.tcp(), options_.read_timeout, deadline)) {
    ex.result = make_error("http_timeout", "request timed out");
    co_return ex;
  }
  auto [wec, written] = conn.tls ? co_await bhttp::async_write(*conn.tls, req, tuple_awaitable)
                                 : co_await bhttp::async_write(*conn.plain, req, tuple_awaitable);
  (void)written;
  secure_wipe(req.body().data(), req.body().size());
  if (wec) {
    ex.stale = stale_connection(wec);
    ex.result = io_error("sending request", wec);
    co_return ex;
  }

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options_.max_response_bytes);
  parser.header_limit(max_header_bytes);
  if (!arm(conn.tcp(), options_.read_timeout, deadline)) {
    ex.result = make_error("http_timeout", "response timed out");
    co_return ex;
  }
  auto [rec, read] = conn.tls ? co_await bhttp::async_read(*conn.tls, conn.buffer, parser, tuple_awaitable)
                              : co_await bhttp::async_read(*conn.plain, conn.buffer, parser, tuple_awaitable);
  (void)read;
  conn.tcp().expires_never();
  if (rec) {
    ex.stale = !parser.got_some() && stale_connection(rec);
    ex.result = io_error("reading response", rec);
    co_return ex;
  }

  auto msg = parser.release();
  Response res;
  res.status = msg.result_int();
  for (const auto& field : msg) {
    res.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  ex.reusable = msg.keep_alive();
  res.body = std::move(msg.body());
  ex.result = std::move(res);
  co_return ex;
}

}  // namespace blazed::http
