// Owns a small local HTTP(S) server for client tests: Beast on the test's io_context, bound to
// 127.0.0.1 on a free port, answering through a handler, counting TCP accepts and requests.
#pragma once

#include "harness/test_pki.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace blazed::testing {

struct TestRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string sni;  // the TLS server name the client sent (empty: none, or plain HTTP)
};

struct TestResponse {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool hang = false;            // never answer; hold the connection until stop()
  bool chunked = false;         // send the body chunked (no Content-Length)
  bool close_after = false;     // Connection: close
};

class HttpsTestServer {
 public:
  using Handler = std::function<TestResponse(const TestRequest&)>;

  // TLS with `pki`'s server certificate, or plain HTTP when `pki` is empty.
  HttpsTestServer(boost::asio::io_context& io, std::optional<TestPki> pki, Handler handler);
  ~HttpsTestServer();

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::uint64_t accepts() const { return accepts_; }
  [[nodiscard]] std::uint64_t requests() const { return requests_; }
  // Closes the listener and every open connection (hanging ones included).
  void stop();
  // Closes the open connections but keeps listening (a server that dropped keep-alives).
  void drop_connections();

 private:
  struct Session;
  void accept_loop();
  void serve(std::shared_ptr<Session> session);

  boost::asio::io_context& io_;
  std::optional<boost::asio::ssl::context> tls_;
  Handler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::uint64_t accepts_ = 0;
  std::uint64_t requests_ = 0;
  std::list<std::weak_ptr<Session>> sessions_;
  bool stopped_ = false;
};

}  // namespace blazed::testing
