// Owns the libpq state machine on Asio: connect polling, sending, flushing and collecting results
// without ever blocking the event loop.
#include "pg/connection.hpp"

#include "core/errc.hpp"
#include "pg/errc.hpp"
#include "pg/errors.hpp"

#include <libpq-fe.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace blazed::pg::detail {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) out += (c == '\n' || c == '\t') ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

Connection::Connection(asio::any_io_executor ex, pg_conn* conn)
    : conn_(conn), socket_(ex), timer_(ex) {}

Connection::~Connection() {
  boost::system::error_code ec;
  socket_.close(ec);  // our dup only; PQfinish closes libpq's socket
  PQfinish(conn_);
}

Error Connection::fail(ErrorCode code, std::string_view what) {
  broken_ = true;
  std::string detail = one_line(PQerrorMessage(conn_));
  return make_error(code, std::string(what) + (detail.empty() ? "" : ": " + detail));
}

asio::awaitable<Result<std::unique_ptr<Connection>>> Connection::open(const ConnectSettings& s) {
  auto ex = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + s.connect_timeout;

  std::string password(s.password.reveal());
  std::vector<const char*> keys{"dbname", "fallback_application_name"};
  std::vector<const char*> values{s.dsn.c_str(), "blazed"};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  pg_conn* raw = PQconnectStartParams(keys.data(), values.data(), /*expand_dbname=*/1);
  secure_wipe(password.data(), password.size());  // libpq keeps its own copy
  if (raw == nullptr) co_return make_error(pg::errc::pg_unavailable, "connect: out of memory");

  std::unique_ptr<Connection> c(new Connection(ex, raw));
  // Server notices and errors outside a statement (RAISE NOTICE in a migration, a shutdown
  // message) may quote data, and libpq would print them on stderr: they are dropped.
  PQsetNoticeProcessor(raw, [](void*, const char*) {}, nullptr);
  if (PQstatus(raw) == CONNECTION_BAD) co_return c->fail(pg::errc::pg_unavailable, "connect");

  // libpq's documented loop: wait as PQconnectPoll asks, starting as if it asked for writing.
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) co_return c->fail(pg::errc::pg_unavailable, "connect");
    // While connecting libpq may close a socket and open another with the same number.
    c->tracked_fd_ = -1;
    if (auto t = c->track_socket(); !t) co_return t.error();
    if (auto w = co_await c->wait(state == PGRES_POLLING_WRITING, deadline); !w)
      co_return w.error().context("connect");
    state = PQconnectPoll(raw);
  }
  if (PQsetnonblocking(raw, 1) != 0) co_return c->fail(pg::errc::pg_unavailable, "connect");
  if (auto t = c->track_socket(); !t) co_return t.error();

  const std::string session =
      "SET statement_timeout = " + std::to_string(s.statement_timeout.count()) +
      "; SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET client_min_messages = warning";
  if (auto r = co_await c->script(session, deadline); !r) co_return r.error().context("connect");
  co_return c;
}

Status Connection::track_socket() {
  int fd = PQsocket(conn_);
  if (fd < 0) return fail(pg::errc::pg_unavailable, "no socket");
  if (fd == tracked_fd_ && socket_.is_open()) return {};
  boost::system::error_code ec;
  socket_.close(ec);
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) {
    broken_ = true;
    return make_error(pg::errc::pg_unavailable, "cannot watch the connection's socket");
  }
  if (socket_.assign(copy, ec); ec) {
    ::close(copy);
    broken_ = true;
    return make_error(pg::errc::pg_unavailable, "cannot watch the connection's socket: " + ec.message());
  }
  tracked_fd_ = fd;
  return {};
}

asio::awaitable<Status> Connection::wait(bool for_write, Deadline deadline) {
  const auto type = for_write ? asio::posix::stream_descriptor::wait_write
                              : asio::posix::stream_descriptor::wait_read;
  boost::system::error_code ec;
  if (!deadline) {
    std::tie(ec) = co_await socket_.async_wait(type, kUseTuple);
  } else {
    timer_.expires_at(*deadline);
    auto which = co_await (socket_.async_wait(type, kUseTuple) || timer_.async_wait(kUseTuple));
    if (which.index() == 1) {
      broken_ = true;  // mid-statement, state unknown: never reuse
      co_return make_error(blazed::errc::timeout, "no answer from PostgreSQL in time");
    }
    std::tie(ec) = std::get<0>(which);
  }
  if (ec) {
    broken_ = true;  // the statement may be half-sent or half-read: never reuse
    if (ec == asio::error::operation_aborted)
      co_return make_error(blazed::errc::cancelled, "PostgreSQL statement cancelled by the caller");
    co_return make_error(pg::errc::pg_unavailable, "waiting on the connection: " + ec.message());
  }
  co_return Status{};
}

asio::awaitable<Status> Connection::flush(Deadline deadline) {
  for (;;) {
    int r = PQflush(conn_);
    if (r == 0) co_return Status{};
    if (r < 0) co_return fail(pg::errc::pg_unavailable, "send");
    if (auto w = co_await wait(true, deadline); !w) co_return w.error();
    if (PQconsumeInput(conn_) == 0) co_return fail(pg::errc::pg_unavailable, "connection lost");
  }
}

asio::awaitable<Result<Rows>> Connection::collect(Deadline deadline) {
  std::shared_ptr<pg_result> last;
  std::optional<Error> error;
  for (;;) {
    bool done = false;
    while (!done && PQisBusy(conn_) == 0) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) {
        done = true;
        break;
      }
      switch (PQresultStatus(r)) {
        case PGRES_FATAL_ERROR:
        case PGRES_NONFATAL_ERROR:
        case PGRES_BAD_RESPONSE:
          if (!error) error = error_from_result(r);
          PQclear(r);
          break;
        case PGRES_COPY_IN:
        case PGRES_COPY_OUT:
        case PGRES_COPY_BOTH:
          PQclear(r);
          broken_ = true;  // we never start COPY; the protocol state is not ours to finish
          co_return make_error(pg::errc::pg_error, "COPY is not supported on this connection");
        default:
          last.reset(r, PQclear);
      }
    }
    if (done) break;
    if (auto w = co_await wait(false, deadline); !w) co_return w.error();
    if (PQconsumeInput(conn_) == 0) co_return fail(pg::errc::pg_unavailable, "connection lost");
  }
  if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  if (error) {
    if (error->code == pg::errc::pg_unavailable) broken_ = true;
    co_return *error;
  }
  co_return Rows(std::move(last));
}

asio::awaitable<Result<Rows>> Connection::exec(const std::string& sql,
                                               const std::vector<Param>& params,
                                               Deadline deadline) {
  if (broken_) co_return make_error(pg::errc::pg_unavailable, "connection is broken");
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  values.reserve(params.size());
  for (const auto& p : params) {
    values.push_back(p.is_null() ? nullptr : p.data().c_str());
    lengths.push_back(static_cast<int>(p.data().size()));
    formats.push_back(p.is_binary() ? 1 : 0);
  }
  // Parameter types are left to the server (from context or explicit casts); results in text.
  if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                        values.data(), lengths.data(), formats.data(), 0) == 0)
    co_return fail(pg::errc::pg_unavailable, "send");
  if (auto f = co_await flush(deadline); !f) co_return f.error();
  co_return co_await collect(deadline);
}

asio::awaitable<Result<Rows>> Connection::script(const std::string& sql, Deadline deadline) {
  if (broken_) co_return make_error(pg::errc::pg_unavailable, "connection is broken");
  if (PQsendQuery(conn_, sql.c_str()) == 0) co_return fail(pg::errc::pg_unavailable, "send");
  if (auto f = co_await flush(deadline); !f) co_return f.error();
  co_return co_await collect(deadline);
}

bool Connection::usable() {
  if (broken_ || PQstatus(conn_) != CONNECTION_OK || in_transaction()) return false;
  pollfd p{PQsocket(conn_), POLLIN, 0};
  if (::poll(&p, 1, 0) != 0) {
    broken_ = true;  // nothing is due on an idle connection: a shutdown notice, an error or EOF
    return false;
  }
  return true;
}

bool Connection::in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

}  // namespace blazed::pg::detail
