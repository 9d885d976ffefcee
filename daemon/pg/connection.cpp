// Owns the libpq state machine on Asio: connect polling (the hosts of a multi-host DSN in turn),
// sending, flushing and collecting results without ever blocking the event loop.
#include "pg/connection.hpp"

#include "core/errc.hpp"
#include "pg/errc.hpp"
#include "pg/errors.hpp"

#include <libpq-fe.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <map>

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

// The DSN's keyword/value pairs. libpq's own parse errors quote the text around the fault, which
// may be part of a password, so a malformed DSN is reported without them.
Result<Conninfo> parse_dsn(const std::string& dsn) {
  // As libpq reads a dbname: without "=" and not a URI, the whole text is the database's name.
  if (dsn.find('=') == std::string::npos && !dsn.starts_with("postgresql://") &&
      !dsn.starts_with("postgres://"))
    return Conninfo{{"dbname", dsn}};
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(dsn.c_str(), &err), &PQconninfoFree);
  if (err != nullptr) PQfreemem(err);
  if (!options)
    return make_error(blazed::errc::bad_config,
                      "postgres.dsn (or migrate_dsn) cannot be parsed (libpq's reason is not "
                      "shown: it may quote a password); check its quoting and keywords");
  Conninfo out;
  for (const auto* o = options.get(); o->keyword != nullptr; ++o)
    if (o->val != nullptr) out.emplace_back(o->keyword, o->val);
  return out;
}

std::vector<std::string> split_commas(std::string_view list) {
  std::vector<std::string> out;
  for (;;) {
    auto comma = list.find(',');
    out.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    list.remove_prefix(comma + 1);
  }
}

// A multi-host DSN (host=a,b port=1,2) as one conninfo per host, to be tried in order, each with
// its own connect deadline: libpq's asynchronous connect has no per-host timeout, so a host that
// never answers would use up the whole attempt and the next host would never be tried. Lists libpq
// would refuse (counts that do not match) are left whole for libpq to report.
std::vector<Conninfo> one_per_host(const Conninfo& all) {
  std::map<std::string, std::vector<std::string>, std::less<>> lists;
  for (const auto& [key, value] : all)
    if (key == "host" || key == "hostaddr" || key == "port") lists[key] = split_commas(value);
  std::size_t hosts = 1;
  for (const auto& [key, list] : lists)
    if (key != "port") hosts = std::max(hosts, list.size());
  if (hosts == 1) return {all};
  for (const auto& [key, list] : lists)
    if (list.size() != hosts && !(key == "port" && list.size() == 1)) return {all};

  std::vector<Conninfo> out(hosts);
  for (std::size_t i = 0; i < hosts; ++i) {
    for (const auto& [key, value] : all) {
      auto list = lists.find(key);
      if (list == lists.end()) {
        out[i].emplace_back(key, value);
        continue;
      }
      const std::string& mine = list->second.size() == 1 ? list->second.front() : list->second[i];
      if (!mine.empty()) out[i].emplace_back(key, mine);  // an empty entry means libpq's default
    }
  }
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

bool Connection::server_read_only() const {
  // PostgreSQL 14 and later report both settings whenever they change.
  for (const char* name : {"default_transaction_read_only", "in_hot_standby"}) {
    const char* value = PQparameterStatus(conn_, name);
    if (value != nullptr && std::string_view(value) == "on") return true;
  }
  return false;
}

asio::awaitable<Result<std::unique_ptr<Connection>>> Connection::open(const ConnectSettings& s) {
  auto conninfo = parse_dsn(s.dsn);
  if (!conninfo) co_return conninfo.error();
  const auto targets = one_per_host(*conninfo);
  std::vector<Error> failures;
  for (const auto& target : targets) {
    auto c = co_await open_one(target, s);
    if (c || c.error().code == blazed::errc::cancelled) co_return c;
    failures.push_back(c.error());
  }
  if (failures.size() == 1) co_return failures.front();
  // Every host failed: one error naming each host's reason.
  std::string code = failures.front().code;
  std::string message = "no host of the DSN could be used";
  for (std::size_t i = 0; i < failures.size(); ++i) {
    if (failures[i].code != code) code = pg::errc::pg_unavailable;
    message += "; host " + std::to_string(i + 1) + ": " + failures[i].message;
  }
  co_return make_error(code, message);
}

asio::awaitable<Result<std::unique_ptr<Connection>>> Connection::open_one(const Conninfo& conninfo,
                                                                         const ConnectSettings& s) {
  auto ex = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + s.connect_timeout;

  std::string password(s.password.reveal());
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [key, value] : conninfo) {
    if (key == "password" && !password.empty()) continue;  // the configured secret wins
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  keys.push_back("fallback_application_name");
  values.push_back("blazed");
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  pg_conn* raw = PQconnectStartParams(keys.data(), values.data(), /*expand_dbname=*/0);
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
    // A write refused because the whole server went read-only (fenced with
    // default_transaction_read_only, or demoted to a standby without dropping us) fails the same
    // way on this connection forever: drop it, so the next one finds the read-write host.
    if (pg::sqlstate(*error) == "25006" && server_read_only())
      error = make_error(pg::errc::pg_unavailable,
                         "the server has become read-only (a demoted or fenced primary), reconnecting: " +
                             error->message);
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
