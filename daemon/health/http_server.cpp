// Owns the health HTTP server's connections (see http_server.hpp); routes.cpp decides answers.
#include "health/http_server.hpp"

#include "core/errc.hpp"
#include "core/log.hpp"
#include "health/routes.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <set>

namespace blazed::health {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct HealthServer::State : std::enable_shared_from_this<State> {
  State(asio::any_io_executor ex, config::HealthConfig c, metrics::Registry& reg,
        const Readiness& ready, HttpLimits l)
      : executor(ex), cfg(std::move(c)), registry(reg), readiness(ready), limits(l), acceptor(ex),
        requests(&reg.counter("blazed_http_requests_total",
                              "Health HTTP requests by path and status code.", {"path", "code"})),
        open(&reg.gauge("blazed_http_connections", "Open health HTTP connections.").get()) {}

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(beast::tcp_stream stream);

  // Completion of a spawned coroutine: the root where an unexpected exception is logged.
  auto log_failure(const char* what) {
    return [self = shared_from_this(), what](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        self->log.error(what, {{"error", ex.what()}});
      }
    };
  }

  asio::any_io_executor executor;
  config::HealthConfig cfg;
  metrics::Registry& registry;
  const Readiness& readiness;
  HttpLimits limits;
  tcp::acceptor acceptor;
  std::set<beast::tcp_stream*> connections;  // owned by their serve() frames
  std::size_t active = 0;  // counted at accept, before serve() starts, so the limit is exact
  bool stopping = false;
  std::uint16_t port = 0;
  metrics::CounterFamily* requests;
  metrics::Gauge* open;
  log::Logger log{"health"};
};

HealthServer::HealthServer(asio::any_io_executor executor, config::HealthConfig cfg,
                           metrics::Registry& registry, const Readiness& readiness,
                           HttpLimits limits)
    : state_(std::make_shared<State>(executor, std::move(cfg), registry, readiness, limits)) {}

HealthServer::~HealthServer() { stop(); }

std::uint16_t HealthServer::port() const { return state_->port; }

Status HealthServer::start() {
  auto& s = *state_;
  if (!s.cfg.enabled) {
    s.log.info("health HTTP disabled");
    return {};
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(s.cfg.listen, ec);
  if (ec) return make_error(blazed::errc::bad_config, "health.listen is not an IP address: " + s.cfg.listen);
  tcp::endpoint endpoint(address, s.cfg.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(blazed::errc::bind, "cannot listen on " + s.cfg.listen + ":" +
                                  std::to_string(s.cfg.port) + ": " + ec.message());
  }
  s.port = s.acceptor.local_endpoint().port();
  asio::co_spawn(s.executor, s.accept_loop(), s.log_failure("health accept loop died"));
  s.log.info("health HTTP listening", {{"listen", s.cfg.listen}, {"port", s.port}});
  return {};
}

void HealthServer::stop() {
  auto& s = *state_;
  if (s.stopping) return;
  s.stopping = true;
  boost::system::error_code ignored;
  s.acceptor.close(ignored);
  for (auto* c : s.connections) c->socket().close(ignored);
}

asio::awaitable<void> HealthServer::State::accept_loop() {
  auto self = shared_from_this();
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (stopping || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) break;
    if (ec) {
      log.warn("health accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(executor, std::chrono::milliseconds(100));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    if (active >= static_cast<std::size_t>(std::max(limits.max_connections, 0))) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    ++active;
    asio::co_spawn(executor, serve(beast::tcp_stream(std::move(socket))),
                   log_failure("health connection failed"));
  }
}

asio::awaitable<void> HealthServer::State::serve(beast::tcp_stream stream) {
  auto self = shared_from_this();
  connections.insert(&stream);
  open->set(static_cast<double>(connections.size()));
  beast::flat_buffer buffer(limits.max_request_bytes);
  bool first = true;
  int served = 0;
  while (!stopping) {
    // The first request gets the header timeout; later ones may idle up to keep-alive first.
    // Beast's timeout covers the whole read, so a slow trickle cannot hold the connection.
    stream.expires_after(first ? limits.header_timeout : limits.keep_alive_timeout);
    first = false;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_request_bytes));
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      break;
    }
    http::response<http::string_body> res;
    bool keep_alive = false;
    if (ec) {
      bool too_big = ec == http::error::header_limit || ec == http::error::buffer_overflow;
      res.result(too_big ? http::status::request_header_fields_too_large : http::status::bad_request);
      res.set(http::field::content_type, "text/plain; charset=utf-8");
      res.body() = too_big ? "request too large\n" : "bad request\n";
      requests->with({"other", std::to_string(res.result_int())}).inc();
    } else if (const auto& req = parser.get();
               req.count(http::field::host) != 0 && !host_allowed(req[http::field::host], cfg.listen, cfg.allowed_hosts)) {
      res.result(http::status::forbidden);
      res.set(http::field::content_type, "text/plain; charset=utf-8");
      res.body() = "host not allowed\n";
      requests->with({"other", std::to_string(res.result_int())}).inc();
    } else {
      auto a = answer(req.method() == http::verb::get, req.target(), registry, readiness);
      res.result(a.status);
      res.set(http::field::content_type, a.content_type);
      if (a.status == 405) res.set(http::field::allow, "GET");
      res.body() = std::move(a.body);
      // A bounded number per connection: one client cannot keep a slot for good.
      keep_alive = req.keep_alive() && ++served < std::max(limits.max_requests_per_connection, 1);
      requests->with({a.path_label, std::to_string(a.status)}).inc();
    }
    res.keep_alive(keep_alive);
    res.prepare_payload();
    stream.expires_after(limits.header_timeout);
    auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
    if (wec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  connections.erase(&stream);
  --active;
  open->set(static_cast<double>(connections.size()));
}

}  // namespace blazed::health
