// Owns Stream, the byte stream to one Redis server or sentinel (TCP, TLS over TCP, or a Unix
// socket), and opening it without ever blocking the loop: the name is resolved anew on every
// open (a managed endpoint's address moves on failover), then connect and TLS handshake, all
// under one deadline.
#pragma once

#include "core/error.hpp"
#include "redis/endpoint.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <tuple>

namespace blazed::redis {

class Stream {
 public:
  struct Impl;
  explicit Stream(std::unique_ptr<Impl> impl);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  boost::asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> read_some(
      boost::asio::mutable_buffer into);
  // Writes all of `bytes`.
  boost::asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write(
      boost::asio::const_buffer bytes);
  // Closes the socket at once (no TLS close_notify): pending reads and writes fail.
  void close() noexcept;

 private:
  std::unique_ptr<Impl> impl_;
};

// Connects to `where` over TCP, and over TLS when `tls` is given: SNI and a certificate that
// must match where.host (a DNS name or an IP literal). Failures: "redis_unavailable" (resolve,
// connect), "timeout", "tls_verify_failed" (certificate rejected), "tls_error".
boost::asio::awaitable<Result<std::unique_ptr<Stream>>> open_tcp(
    boost::asio::any_io_executor executor, const HostPort& where, boost::asio::ssl::context* tls,
    std::chrono::milliseconds timeout);

// Connects to a Unix socket.
boost::asio::awaitable<Result<std::unique_ptr<Stream>>> open_unix(
    boost::asio::any_io_executor executor, const std::string& path,
    std::chrono::milliseconds timeout);

}  // namespace blazed::redis
