// Owns the request path of the HTTP client: one exchange on a connection from the Connector,
// with its timeouts taken from one deadline per request.
#include "http/client.hpp"

#include "http/tls.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>

namespace blazed::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::uint32_t max_header_bytes = 64 * 1024;

// Arms the stream's timer with the smaller of `op` and what is left until `deadline`.
bool arm(beast::tcp_stream& stream, std::chrono::milliseconds op, steady::time_point deadline) {
  const auto left = deadline - steady::now();
  if (left <= steady::duration::zero()) return false;
  stream.expires_after(std::min<steady::duration>(op, left));
  return true;
}

std::string host_header(const Url& url) {
  const bool default_port = url.tls ? url.port == 443 : url.port == 80;
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  return default_port ? host : host + ":" + std::to_string(url.port);
}

}  // namespace

Result<std::unique_ptr<Client>> Client::create(boost::asio::any_io_executor executor,
                                               ClientOptions options) {
  if (options.user_agent.empty()) return make_error("bad_config", "HTTP client needs a user agent");
  auto tls = make_tls_context(options.ca_file);
  if (!tls) return tls.error();
  return std::unique_ptr<Client>(new Client(std::move(executor), std::move(options), std::move(*tls)));
}

Client::Client(boost::asio::any_io_executor executor, ClientOptions options,
               boost::asio::ssl::context tls)
    : options_(std::move(options)),
      connector_(std::move(executor), std::move(tls), options_.max_idle_per_origin,
                 options_.idle_timeout) {}

boost::asio::awaitable<Result<Response>> Client::request(Request request) {
  auto url = parse_url(request.url);
  if (!url) co_return url.error();
  if (!url->tls && !options_.allow_plain_http) {
    co_return make_error("http_plain_refused", "plain http is not allowed for " + url->origin());
  }
  const auto deadline = steady::now() + options_.total_timeout;
  const auto connect_deadline = std::min(deadline, steady::now() + options_.connect_timeout);
  co_return co_await connector_.run(*url, connect_deadline, [&](Connection& conn) {
    return exchange(conn, request, *url, deadline);
  });
}

boost::asio::awaitable<Attempt> Client::exchange(Connection& conn, const Request& request,
                                                 const Url& url, steady::time_point deadline) {
  Attempt ex{make_error("http_io", "no response"), false, false};
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

  co_return answered(parser.release());
}

}  // namespace blazed::http
