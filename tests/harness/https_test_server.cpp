// Owns the local test HTTP(S) server: accept loop, one coroutine per connection, keep-alive.
#include "harness/https_test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>

namespace blazed::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct HttpsTestServer::Session {
  explicit Session(asio::ip::tcp::socket socket, asio::ssl::context* tls_ctx)
      : hang(socket.get_executor()) {
    if (tls_ctx) {
      tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(socket), *tls_ctx);
    } else {
      plain = std::make_unique<beast::tcp_stream>(std::move(socket));
    }
  }
  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  void close() {
    boost::system::error_code ec;
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    tcp().socket().close(ec);
    hang.cancel();
  }

  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  std::unique_ptr<beast::tcp_stream> plain;
  asio::steady_timer hang;
};

HttpsTestServer::HttpsTestServer(asio::io_context& io, std::optional<TestPki> pki, Handler handler)
    : io_(io), handler_(std::move(handler)), acceptor_(io) {
  if (pki) {
    tls_.emplace(asio::ssl::context::tls_server);
    tls_->use_certificate_chain_file(pki->server_cert.string());
    tls_->use_private_key_file(pki->server_key.string(), asio::ssl::context::pem);
  }
  const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  accept_loop();
}

HttpsTestServer::~HttpsTestServer() { stop(); }

void HttpsTestServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  drop_connections();
}

void HttpsTestServer::drop_connections() {
  for (auto& weak : sessions_) {
    if (auto s = weak.lock()) s->close();
  }
  sessions_.clear();
}

void HttpsTestServer::accept_loop() {
  asio::co_spawn(
      io_,
      [this]() -> asio::awaitable<void> {
        for (;;) {
          auto [ec, socket] = co_await acceptor_.async_accept(tuple_awaitable);
          if (ec) co_return;
          ++accepts_;
          auto session = std::make_shared<Session>(std::move(socket), tls_ ? &*tls_ : nullptr);
          sessions_.push_back(session);
          serve(std::move(session));
        }
      },
      asio::detached);
}

void HttpsTestServer::serve(std::shared_ptr<Session> s) {
  asio::co_spawn(
      io_,
      [this, s]() -> asio::awaitable<void> {
        if (s->tls) {
          auto [hec] = co_await s->tls->async_handshake(asio::ssl::stream_base::server,
                                                        tuple_awaitable);
          if (hec) {
            s->close();
            co_return;
          }
        }
        std::string sni;
        if (s->tls) {
          if (const char* name = SSL_get_servername(s->tls->native_handle(), TLSEXT_NAMETYPE_host_name)) {
            sni = name;
          }
        }
        beast::flat_buffer buffer;
        for (;;) {
          http::request<http::string_body> req;
          auto [rec, n] = s->tls ? co_await http::async_read(*s->tls, buffer, req, tuple_awaitable)
                                 : co_await http::async_read(*s->plain, buffer, req, tuple_awaitable);
          if (rec) break;
          ++requests_;
          TestRequest tr{std::string(req.method_string()), std::string(req.target()), {}, req.body(), sni};
          for (const auto& f : req) {
            std::string name(f.name_string());
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            tr.headers[name] = std::string(f.value());
          }
          TestResponse answer = handler_(tr);
          if (answer.hang) {
            s->hang.expires_at(asio::steady_timer::time_point::max());
            co_await s->hang.async_wait(tuple_awaitable);
            break;
          }
          http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
          for (const auto& [k, v] : answer.headers) res.set(k, v);
          res.body() = std::move(answer.body);
          if (answer.chunked) {
            res.chunked(true);
          } else {
            res.prepare_payload();
          }
          res.keep_alive(!answer.close_after && req.keep_alive());
          auto [wec, w] = s->tls ? co_await http::async_write(*s->tls, res, tuple_awaitable)
                                 : co_await http::async_write(*s->plain, res, tuple_awaitable);
          if (wec || !res.keep_alive()) break;
        }
        s->close();
      },
      asio::detached);
}

}  // namespace blazed::testing
