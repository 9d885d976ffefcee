// Owns the S3 exchange on Beast: the streamed write and the incremental read, each step under
// the stall deadline, on a connection from blazed_http's Connector.
#include "s3/transport.hpp"

#include "http/tls.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <map>

namespace blazed::s3 {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using http::tuple_awaitable;

namespace {

constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;

// blazed_http's error codes in the s3_* terms the client's retry policy and callers know.
Error as_s3_error(Error e) {
  static const std::map<std::string, std::string, std::less<>> kCodes = {
      {"http_timeout", "s3_timeout"},          {"http_too_large", "s3_too_large"},
      {"http_protocol", "s3_protocol"},        {"http_io", "s3_connection"},
      {"http_resolve_failed", "s3_connection"}, {"http_connect_failed", "s3_connection"},
      {"tls_verify_failed", "s3_tls"},          {"tls_error", "s3_tls"}};
  if (auto it = kCodes.find(e.code); it != kCodes.end()) e.code = it->second;
  return e;
}

}  // namespace

Result<std::unique_ptr<Transport>> Transport::create(asio::any_io_executor executor,
                                                     TransportOptions options) {
  auto tls = http::make_tls_context(options.ca_file);
  if (!tls) return make_error("s3_bad_config", "TLS set-up failed: " + tls.error().message);
  return std::unique_ptr<Transport>(new Transport(std::move(executor), std::move(options), std::move(*tls)));
}

Transport::Transport(asio::any_io_executor executor, TransportOptions options, asio::ssl::context tls)
    : options_(std::move(options)),
      connector_(std::move(executor), std::move(tls), options_.max_idle_per_origin,
                 options_.idle_timeout) {}

asio::awaitable<Result<WireResponse>> Transport::exchange(const WireRequest& request) {
  const Address& a = *request.address;
  if (!a.tls && !options_.allow_plain_http)
    co_return make_error("s3_bad_config", "plain http is not allowed for " + a.origin());
  http::Url peer;
  peer.tls = a.tls;
  peer.host = a.host;
  peer.port = a.port;
  // A stale pooled connection gets one more go on a fresh one; that is not a retry.
  auto answer = co_await connector_.run(peer, std::chrono::steady_clock::now() + options_.connect_timeout,
                                        [&](http::Connection& conn) { return once(conn, request); });
  if (!answer) co_return as_s3_error(answer.error());
  co_return answer;
}

asio::awaitable<http::Attempt> Transport::once(http::Connection& conn, const WireRequest& request) {
  http::Attempt at{make_error("s3_connection", "no answer"), false, false};
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
      at.stale = !wrote_any && http::stale_connection(wec);
      at.result = http::io_error("sending the request", wec);
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
      at.stale = !parser.got_some() && http::stale_connection(rec);
      at.result = http::io_error("reading the answer", rec);
      co_return at;
    }
  }
  conn.tcp().expires_never();
  co_return http::answered(parser.release());
}

}  // namespace blazed::s3
