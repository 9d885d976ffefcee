// Owns PgPool: a bounded set of async PostgreSQL connections with reconnect and backoff, a
// readiness flag, held sessions and transactions with guaranteed COMMIT or ROLLBACK.
//
// Threading: a pool and everything it hands out are used from the one thread that runs its
// executor (the daemon's event loop); nothing here blocks that thread.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/secret.hpp"
#include "pg/executor.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace blazed::pg {

namespace detail {
class Connection;
struct PoolState;
}  // namespace detail

enum class Isolation { read_committed, repeatable_read, serializable };

struct TxOptions {
  Isolation isolation = Isolation::read_committed;
  bool read_only = false;
};

class Session;

// Statements inside one transaction (one connection, between BEGIN and COMMIT/ROLLBACK).
class Tx final : public Executor {
 public:
  boost::asio::awaitable<Result<Rows>> execute(std::string sql, std::vector<Param> params) override;
  // Session::script inside the transaction.
  boost::asio::awaitable<Result<Rows>> script(std::string sql);

 private:
  friend class Session;
  explicit Tx(Session& session) : session_(session) {}
  Session& session_;
};

// The body of a transaction: return success to COMMIT; an error (or an exception, which is
// rethrown after the ROLLBACK) rolls back.
using TxBody = std::function<boost::asio::awaitable<Status>(Tx&)>;

// One connection held exclusively, for session-level state such as advisory locks. Going out of
// scope returns the connection to the pool (or drops it if it is mid-transaction or broken).
class Session final : public Executor {
 public:
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  boost::asio::awaitable<Result<Rows>> execute(std::string sql, std::vector<Param> params) override;
  // Trusted, parameterless SQL that may hold several statements (migration files). No client-side
  // deadline: only the server's statement_timeout, which a script may lift with SET LOCAL.
  boost::asio::awaitable<Result<Rows>> script(std::string sql);
  boost::asio::awaitable<Status> transaction(TxBody body, TxOptions options = {});

 private:
  friend class PgPool;
  // BEGIN/COMMIT/ROLLBACK, under the statement deadline.
  boost::asio::awaitable<Result<Rows>> control(std::string sql);
  Session(std::shared_ptr<detail::PoolState> pool, std::unique_ptr<detail::Connection> conn);
  std::shared_ptr<detail::PoolState> pool_;
  std::unique_ptr<detail::Connection> conn_;
};

class PgPool final : public Executor {
 public:
  // `password` is resolved by the caller from config.password (empty: none).
  PgPool(boost::asio::any_io_executor ex, const config::PostgresConfig& config, Secret password,
         log::Logger logger = log::Logger("pg"));
  ~PgPool() override;  // stop()
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Opens the first connection now and watches in the background: idle connections are checked
  // every reconnect_max_delay (so ready() follows an outage without traffic), and while the server
  // is unreachable it reconnects with exponential backoff up to reconnect_max_delay. Optional for
  // statements, which open connections on demand anyway.
  void start();
  // Closes idle connections, fails waiting callers with pg_stopped; connections in use close when
  // they come back.
  void stop();

  boost::asio::awaitable<Result<Rows>> execute(std::string sql, std::vector<Param> params) override;
  boost::asio::awaitable<Status> transaction(TxBody body, TxOptions options = {});
  boost::asio::awaitable<Status> with_session(std::function<boost::asio::awaitable<Status>(Session&)> body);
  // SELECT 1 on a pooled connection (readiness probes).
  boost::asio::awaitable<Status> ping();

  // True while the last attempt to reach the server succeeded.
  [[nodiscard]] bool ready() const;
  // Called on every change of ready(), on the pool's executor.
  void on_state_change(std::function<void(bool ready)> callback);

  struct Stats {
    int open = 0;     // connections open or being opened
    int idle = 0;     // open and waiting in the pool
    int waiting = 0;  // callers waiting for a connection
  };
  [[nodiscard]] Stats stats() const;

 private:
  std::shared_ptr<detail::PoolState> state_;
};

}  // namespace blazed::pg
