// Owns the pool's bookkeeping: handing out and taking back connections, waiters, the readiness
// flag and the background watch/reconnect loop; and the transaction protocol of Session.
#include "pg/pool.hpp"

#include "core/errc.hpp"
#include "pg/connection.hpp"
#include "pg/errc.hpp"
#include "pg/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <exception>

namespace blazed::pg {
namespace asio = boost::asio;
using detail::Connection;
using std::chrono::steady_clock;

namespace detail {

// A caller waiting for a connection: release() hands one over (conn) or, when a slot freed up
// without one, wakes it (woken) to open its own.
struct Waiter {
  explicit Waiter(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
  std::unique_ptr<Connection> conn;
  bool woken = false;
};

struct PoolState {
  PoolState(asio::any_io_executor executor, const config::PostgresConfig& config, Secret password,
            log::Logger logger)
      : ex(std::move(executor)),
        settings{config.dsn, std::move(password), config.connect_timeout, config.statement_timeout},
        reconnect_max(config.reconnect_max_delay),
        size(std::max(1, config.pool_size)),
        log(std::move(logger)),
        keeper_timer(ex) {}

  asio::any_io_executor ex;
  ConnectSettings settings;
  std::chrono::milliseconds reconnect_max;
  int size;
  log::Logger log;

  std::vector<std::unique_ptr<Connection>> idle;
  int open = 0;
  std::deque<std::shared_ptr<Waiter>> waiters;
  bool ready = false;
  bool stopped = false;
  bool keeper_started = false;
  bool reported_down = false;  // the current outage has been logged
  std::function<void(bool)> on_change;
  asio::steady_timer keeper_timer;

  // The client-side limit for one statement: the server's statement_timeout plus a round trip's
  // allowance, so a silent network cannot hang a caller. None when statement_timeout is off.
  [[nodiscard]] Connection::Deadline statement_deadline() const {
    if (settings.statement_timeout.count() <= 0) return std::nullopt;
    return steady_clock::now() + settings.statement_timeout + settings.connect_timeout;
  }

  void set_ready(bool now_ready, const Error& why) {
    // A pool that never reached the server says so once, though ready() did not change.
    if (!now_ready && !ready && !stopped && !reported_down) {
      reported_down = true;
      log.warn("PostgreSQL unreachable", {{"error_code", why.code}, {"error", why.message}});
    }
    if (now_ready == ready) return;
    ready = now_ready;
    if (stopped) {
      log.info("PostgreSQL pool stopped");
    } else if (ready) {
      reported_down = false;
      log.info("PostgreSQL reachable");
    } else {
      reported_down = true;
      log.warn("PostgreSQL unreachable", {{"error_code", why.code}, {"error", why.message}});
      keeper_timer.cancel();  // reconnect now, then back off
    }
    if (on_change) on_change(ready);
  }

  // Feeds the readiness flag from a statement's outcome.
  template <class T>
  void observe(const Result<T>& r) {
    if (r) set_ready(true, {});
    else if (r.error().code == errc::pg_unavailable) set_ready(false, r.error());
  }

  void wake_one() {
    if (waiters.empty()) return;
    auto w = waiters.front();
    waiters.pop_front();
    w->woken = true;
    w->timer.cancel();
  }

  void release(std::unique_ptr<Connection> conn) {
    if (!conn) return;
    if (stopped || conn->broken() || conn->in_transaction()) {
      conn.reset();
      --open;
      wake_one();
      return;
    }
    if (!waiters.empty()) {
      auto w = waiters.front();
      waiters.pop_front();
      w->conn = std::move(conn);
      w->timer.cancel();
      return;
    }
    idle.push_back(std::move(conn));
  }

  asio::awaitable<Result<std::unique_ptr<Connection>>> acquire(std::shared_ptr<PoolState> self) {
    (void)self;  // held by the frame: keeps the state alive across suspension points
    // Without a statement timeout a busy connection may be held for any time: wait as long.
    const auto deadline = settings.statement_timeout.count() > 0
                              ? steady_clock::now() + settings.connect_timeout +
                                    settings.statement_timeout
                              : steady_clock::time_point::max();
    for (;;) {
      if (stopped) co_return make_error(errc::pg_stopped, "the PostgreSQL pool is stopped");
      // Most recently used first: warm connections, and the rest may idle out server-side.
      while (!idle.empty()) {
        auto c = std::move(idle.back());
        idle.pop_back();
        if (c->usable()) co_return c;
        --open;
      }
      if (open < size) {
        ++open;
        auto c = co_await Connection::open(settings);
        if (!c || stopped) {
          --open;
          wake_one();
          if (!c) {
            if (c.error().code != blazed::errc::cancelled) set_ready(false, c.error());
            co_return c.error();
          }
          continue;
        }
        set_ready(true, {});
        co_return std::move(*c);
      }
      auto w = std::make_shared<Waiter>(ex);
      w->timer.expires_at(deadline);
      waiters.push_back(w);
      auto [ec] = co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (w->conn) co_return std::move(w->conn);
      if (!w->woken) {
        std::erase(waiters, w);
        if (ec == asio::error::operation_aborted)
          co_return make_error(blazed::errc::cancelled, "waiting for a PostgreSQL connection was cancelled");
        co_return make_error(blazed::errc::timeout, "no PostgreSQL connection free in time");
      }
    }
  }

  // Drops idle connections on which the server has hung up; true if there were any.
  bool drop_dead_idle() {
    auto dead = std::partition(idle.begin(), idle.end(), [](auto& c) { return c->usable(); });
    auto n = static_cast<int>(std::distance(dead, idle.end()));
    idle.erase(dead, idle.end());
    open -= n;
    for (int i = 0; i < n; ++i) wake_one();
    return n > 0;
  }

  // The background watch. While the server is reachable it looks at the idle connections every
  // reconnect_max_delay (a local poll, no round trip), so an outage shows in ready() without
  // traffic; while it is unreachable it reconnects with exponential backoff.
  asio::awaitable<void> keeper(std::shared_ptr<PoolState> self) {
    (void)self;
    const auto first = std::chrono::milliseconds(100);
    const auto longest = std::max(reconnect_max, first);
    auto backoff = first;
    while (!stopped) {
      if (ready) {
        keeper_timer.expires_after(longest);
        co_await keeper_timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (stopped || !ready || !drop_dead_idle()) continue;
        // An idle connection died: is the server still there?
      }
      if (open < size) {
        ++open;
        auto c = co_await Connection::open(settings);
        if (!c || stopped) --open;
        if (stopped) break;
        if (c) {
          backoff = first;
          set_ready(true, {});
          release(std::move(*c));
          continue;
        }
        set_ready(false, c.error());
      } else if (ready) {
        continue;  // every slot is busy: those statements report failures themselves
      }
      keeper_timer.expires_after(backoff);
      co_await keeper_timer.async_wait(asio::as_tuple(asio::use_awaitable));
      backoff = std::min(backoff * 2, longest);
    }
  }

  void stop() {
    if (stopped) return;
    stopped = true;
    open -= static_cast<int>(idle.size());
    idle.clear();
    keeper_timer.cancel();
    while (!waiters.empty()) wake_one();
    set_ready(false, {});
  }
};

}  // namespace detail

// --- Tx -------------------------------------------------------------------------------------

asio::awaitable<Result<Rows>> Tx::execute(std::string sql, std::vector<Param> params) {
  return session_.execute(std::move(sql), std::move(params));
}

asio::awaitable<Result<Rows>> Tx::script(std::string sql) { return session_.script(std::move(sql)); }

// --- Session --------------------------------------------------------------------------------

Session::Session(std::shared_ptr<detail::PoolState> pool, std::unique_ptr<Connection> conn)
    : pool_(std::move(pool)), conn_(std::move(conn)) {}

Session::~Session() { pool_->release(std::move(conn_)); }

asio::awaitable<Result<Rows>> Session::execute(std::string sql, std::vector<Param> params) {
  auto r = co_await conn_->exec(sql, params, pool_->statement_deadline());
  pool_->observe(r);
  co_return r;
}

asio::awaitable<Result<Rows>> Session::script(std::string sql) {
  auto r = co_await conn_->script(sql, std::nullopt);
  pool_->observe(r);
  co_return r;
}

asio::awaitable<Result<Rows>> Session::control(std::string sql) {
  auto r = co_await conn_->script(sql, pool_->statement_deadline());
  pool_->observe(r);
  co_return r;
}

asio::awaitable<Status> Session::transaction(TxBody body, TxOptions options) {
  std::string begin = "BEGIN ISOLATION LEVEL ";
  switch (options.isolation) {
    case Isolation::read_committed: begin += "READ COMMITTED"; break;
    case Isolation::repeatable_read: begin += "REPEATABLE READ"; break;
    case Isolation::serializable: begin += "SERIALIZABLE"; break;
  }
  if (options.read_only) begin += " READ ONLY";
  if (auto b = co_await control(begin); !b) co_return b.error().context("BEGIN");

  Tx tx(*this);
  Status outcome;
  std::exception_ptr thrown;
  try {
    outcome = co_await body(tx);
  } catch (...) {
    thrown = std::current_exception();
  }
  if (thrown || !outcome || conn_->broken()) {
    // A broken connection needs no ROLLBACK: the server aborts the transaction when it goes.
    if (!conn_->broken()) (void)co_await control("ROLLBACK");
    if (thrown) std::rethrow_exception(thrown);
    if (!outcome) co_return outcome;
    co_return make_error(errc::pg_unavailable, "connection lost inside a transaction");
  }
  auto commit = co_await control("COMMIT");
  if (!commit) co_return commit.error().context("COMMIT");
  // COMMIT of a transaction in which a statement failed answers ROLLBACK, not an error.
  if (commit->command() != "COMMIT")
    co_return make_error(errc::pg_tx_aborted, "a statement failed inside the transaction; rolled back");
  co_return Status{};
}

// --- PgPool ---------------------------------------------------------------------------------

PgPool::PgPool(asio::any_io_executor ex, const config::PostgresConfig& config, Secret password,
               log::Logger logger)
    : state_(std::make_shared<detail::PoolState>(std::move(ex), config, std::move(password),
                                                 std::move(logger))) {}

PgPool::~PgPool() { stop(); }

void PgPool::start() {
  auto s = state_;
  if (s->keeper_started || s->stopped) return;
  s->keeper_started = true;
  asio::co_spawn(s->ex, s->keeper(s), [log = s->log](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log.error("PostgreSQL reconnect loop failed", {{"error", ex.what()}});
    }
  });
}

void PgPool::stop() { state_->stop(); }

asio::awaitable<Result<Rows>> PgPool::execute(std::string sql, std::vector<Param> params) {
  auto c = co_await state_->acquire(state_);
  if (!c) co_return c.error();
  Session session(state_, std::move(*c));
  co_return co_await session.execute(std::move(sql), std::move(params));
}

asio::awaitable<Status> PgPool::transaction(TxBody body, TxOptions options) {
  auto c = co_await state_->acquire(state_);
  if (!c) co_return c.error();
  Session session(state_, std::move(*c));
  co_return co_await session.transaction(std::move(body), options);
}

asio::awaitable<Status> PgPool::with_session(
    std::function<asio::awaitable<Status>(Session&)> body) {
  auto c = co_await state_->acquire(state_);
  if (!c) co_return c.error();
  Session session(state_, std::move(*c));
  co_return co_await body(session);
}

asio::awaitable<Status> PgPool::ping() {
  auto r = co_await execute("SELECT 1", {});
  if (!r) co_return r.error();
  co_return Status{};
}

bool PgPool::ready() const { return state_->ready; }

void PgPool::on_state_change(std::function<void(bool)> callback) {
  state_->on_change = std::move(callback);
}

PgPool::Stats PgPool::stats() const {
  return Stats{state_->open, static_cast<int>(state_->idle.size()),
               static_cast<int>(state_->waiters.size())};
}

}  // namespace blazed::pg
