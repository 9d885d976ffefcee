// Owns connections and the per-origin pool of idle keep-alive connections the client reuses.
// Not thread-safe: the client that owns a pool uses it from one executor (strand) only.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace blazed::http {

// One TCP (or TLS over TCP) connection to an origin, with its read buffer (bytes the server
// sent past the last response stay in it for the next one).
struct Connection {
  std::string origin;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;  // set for https
  std::unique_ptr<boost::beast::tcp_stream> plain;                          // set for http
  boost::beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;

  [[nodiscard]] boost::beast::tcp_stream& tcp();
  // Closes the socket without a TLS close_notify (a peer that never answers it must not
  // cost us a timeout).
  void close();
};

class ConnectionPool {
 public:
  ConnectionPool(std::size_t max_idle_per_origin, std::chrono::milliseconds idle_timeout)
      : max_idle_(max_idle_per_origin), idle_timeout_(idle_timeout) {}

  // The most recently used idle connection to `origin` that has not idled too long, or null.
  std::unique_ptr<Connection> take(const std::string& origin);
  // Keeps `conn` for reuse, or closes it when the origin already has enough idle ones.
  void give_back(std::unique_ptr<Connection> conn);
  [[nodiscard]] std::size_t idle_count(const std::string& origin) const;
  void clear();

 private:
  std::size_t max_idle_;
  std::chrono::milliseconds idle_timeout_;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
};

}  // namespace blazed::http
