// Owns one libpq connection driven by Asio: non-blocking connect (PQconnectPoll), statements sent
// with PQsendQueryParams and collected as the socket becomes readable. Used by the pool only.
#pragma once

#include "core/error.hpp"
#include "core/error_code.hpp"
#include "core/secret.hpp"
#include "pg/param.hpp"
#include "pg/rows.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct pg_conn;  // libpq's PGconn

namespace blazed::pg::detail {

struct ConnectSettings {
  std::string dsn;  // libpq conninfo or URI, without the password
  Secret password;  // empty: none (trust, peer, .pgpass)
  std::chrono::milliseconds connect_timeout{5'000};  // per host of a multi-host DSN
  std::chrono::milliseconds statement_timeout{30'000};  // server-side; 0 disables it
};

// A parsed DSN: keyword/value pairs as libpq takes them.
using Conninfo = std::vector<std::pair<std::string, std::string>>;

class Connection {
 public:
  using Deadline = std::optional<std::chrono::steady_clock::time_point>;

  // Connects and applies the session settings (statement_timeout, TimeZone=UTC, ISO dates). The
  // hosts of a multi-host DSN are tried in order, each within connect_timeout.
  static boost::asio::awaitable<Result<std::unique_ptr<Connection>>> open(
      const ConnectSettings& settings);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One parameterized statement (extended protocol).
  boost::asio::awaitable<Result<Rows>> exec(const std::string& sql, const std::vector<Param>& params,
                                            Deadline deadline);
  // Trusted, parameterless SQL that may hold several statements (simple protocol): migrations
  // and transaction control. Returns the last statement's result.
  boost::asio::awaitable<Result<Rows>> script(const std::string& sql, Deadline deadline);

  // Safe to hand out: connected, not inside a transaction, and nothing arrived while idle (a
  // server that shuts down or kills the backend says so on the idle socket).
  [[nodiscard]] bool usable();
  [[nodiscard]] bool in_transaction() const;
  // True once a failure left the connection in an unknown state; the pool then drops it.
  [[nodiscard]] bool broken() const { return broken_; }

 private:
  Connection(boost::asio::any_io_executor ex, pg_conn* conn);

  // One libpq connection attempt with `conninfo` (one host, or libpq's own list).
  static boost::asio::awaitable<Result<std::unique_ptr<Connection>>> open_one(
      const Conninfo& conninfo, const ConnectSettings& settings);

  // Waits until the socket is readable (or writable); times out at the deadline.
  boost::asio::awaitable<Status> wait(bool for_write, Deadline deadline);
  // Follows the socket libpq uses now (it may switch sockets while connecting).
  Status track_socket();
  boost::asio::awaitable<Status> flush(Deadline deadline);
  boost::asio::awaitable<Result<Rows>> collect(Deadline deadline);
  Error fail(ErrorCode code, std::string_view what);
  // The server reports that it takes no writes any more (a demoted or fenced primary).
  [[nodiscard]] bool server_read_only() const;

  pg_conn* conn_;
  int tracked_fd_ = -1;
  // Waits on a dup() of libpq's socket, so libpq can close or replace its own at any time.
  boost::asio::posix::stream_descriptor socket_;
  boost::asio::steady_timer timer_;
  bool broken_ = false;
};

}  // namespace blazed::pg::detail
