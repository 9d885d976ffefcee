// Owns RedisClient's connection life (connect, handshake, reconnect with backoff) and the
// in-flight command bookkeeping (pipelined replies, timeouts, NOSCRIPT fallback).
#include "redis/client.hpp"

#include "core/errc.hpp"
#include "core/log.hpp"
#include "redis/backoff.hpp"
#include "redis/connection.hpp"
#include "redis/errc.hpp"
#include "redis/sentinel.hpp"
#include "redis/tls.hpp"
#include "redis/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <random>

namespace blazed::redis {

namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;

namespace {

Error unavailable(std::string_view why) { return make_error(errc::redis_unavailable, std::string(why)); }

// The replies of one call (one command or one pipeline). The awaiting coroutine sleeps on
// `timer`; the last reply cancels it, or it expires (timeout).
struct Pending {
  Pending(const asio::any_io_executor& ex, std::size_t n) : timer(ex), replies(n), remaining(n) {}
  asio::steady_timer timer;
  std::vector<Reply> replies;
  std::optional<Error> failure;
  std::size_t remaining;
  bool abandoned = false;  // timed out or cancelled: late replies are dropped
  std::uint64_t reads_at_submit = 0;
  std::uint64_t connection = 0;  // the generation of the connection it was sent on
};

}  // namespace

class RedisClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(Executor ex, Endpoint ep, std::optional<asio::ssl::context> tls,
       const config::RedisConfig& cfg, std::optional<Secret> password)
      : ex_(std::move(ex)),
        endpoint_(std::move(ep)),
        tls_(std::move(tls)),
        connect_timeout_(cfg.connect_timeout),
        command_timeout_(cfg.command_timeout),
        reconnect_max_(cfg.reconnect_max_delay),
        password_(std::move(password)),
        lost_(ex_),
        backoff_timer_(ex_),
        rng_(std::random_device{}()) {}

  ~Impl() { drop(); }

  void start() {
    if (running_) return;
    running_ = true;
    stopped_ = false;
    asio::co_spawn(ex_, run(shared_from_this()), asio::detached);
  }

  void stop() {
    stopped_ = true;
    drop();
    lost_.cancel();
    backoff_timer_.cancel();
  }

  awaitable<Status> wait_connected(Duration timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!connected_) {
      asio::steady_timer t(ex_);
      t.expires_at(deadline);
      waiters_.push_back(&t);
      auto [ec] = co_await t.async_wait(as_tuple(use_awaitable));
      std::erase(waiters_, &t);
      if (connected_) break;
      if (!ec) co_return make_error(blazed::errc::timeout, "redis: not connected in time");
      auto cs = co_await asio::this_coro::cancellation_state;
      if (cs.cancelled() != asio::cancellation_type::none)
        co_return make_error(blazed::errc::cancelled, "redis: wait cancelled");
    }
    co_return Status{};
  }

  awaitable<Result<std::vector<Reply>>> execute(const std::vector<Args>& commands,
                                                Duration timeout, bool handshake = false) {
    if (conn_ == nullptr || (!connected_ && !handshake))
      co_return unavailable("redis: not connected");
    auto p = std::make_shared<Pending>(ex_, commands.size());
    p->reads_at_submit = conn_->replies_read();
    p->connection = generation_;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      if (!submit(commands[i], p, i)) {
        p->abandoned = true;
        co_return unavailable("redis: connection closing");
      }
    }
    co_return co_await finish(std::move(p), timeout);
  }

  awaitable<Result<Reply>> execute_one(const Args& args, Duration timeout) {
    if (conn_ == nullptr || !connected_) co_return unavailable("redis: not connected");
    auto p = std::make_shared<Pending>(ex_, 1);
    p->reads_at_submit = conn_->replies_read();
    p->connection = generation_;
    if (!submit(args, p, 0)) co_return unavailable("redis: connection closing");
    auto r = co_await finish(std::move(p), timeout);
    if (!r) co_return r.error();
    co_return std::move(r->front());
  }

  bool connected_ = false;
  Executor ex_;
  Endpoint endpoint_;
  std::optional<asio::ssl::context> tls_;
  Duration connect_timeout_;
  Duration command_timeout_;
  Duration reconnect_max_;
  std::optional<Secret> password_;
  std::vector<std::function<void(bool)>> listeners_;
  ClientStats stats_;
  std::optional<Error> last_error_;

 private:
  awaitable<Result<std::vector<Reply>>> finish(std::shared_ptr<Pending> p, Duration timeout) {
    if (p->remaining > 0) {
      p->timer.expires_after(timeout);
      auto [ec] = co_await p->timer.async_wait(as_tuple(use_awaitable));
      if (p->remaining > 0) {
        p->abandoned = true;
        if (ec) co_return make_error(blazed::errc::cancelled, "redis: command cancelled");
        ++stats_.timeouts;
        if (conn_ != nullptr && generation_ == p->connection &&
            conn_->replies_read() == p->reads_at_submit)
          watch_silence();
        co_return make_error(blazed::errc::timeout, "redis: no answer in time");
      }
    }
    if (p->failure) co_return *p->failure;
    // This server was demoted (failover): reconnect, which finds the current master.
    if (generation_ == p->connection &&
        std::ranges::any_of(p->replies, [](const Reply& r) {
          return r.is_error() && r.str().starts_with("READONLY");
        })) {
      log_.warn("redis answered READONLY (a replica now); reconnecting",
                {{"endpoint", endpoint_.describe()}});
      drop();
    }
    co_return std::move(p->replies);
  }

  // Nothing at all came back since a timed-out command was sent. If the link then stays silent
  // for another command timeout it is dead (half-open TCP, hung server): drop it and reconnect
  // rather than wait forever. A merely slow answer (a long script) arrives first and clears it.
  void watch_silence() {
    if (silence_watch_) return;
    silence_watch_ = true;
    asio::co_spawn(
        ex_,
        [self = shared_from_this(), gen = generation_,
         reads = conn_->replies_read()]() -> awaitable<void> {
          asio::steady_timer t(self->ex_, self->command_timeout_);
          co_await t.async_wait(as_tuple(use_awaitable));
          self->silence_watch_ = false;
          if (self->conn_ != nullptr && self->generation_ == gen &&
              self->conn_->replies_read() == reads) {
            self->log_.warn("no answer from redis within two command timeouts; reconnecting",
                            {{"endpoint", self->endpoint_.describe()}});
            self->drop();
          }
        },
        asio::detached);
  }

  bool submit(const Args& args, const std::shared_ptr<Pending>& p, std::size_t index) {
    bool sent = conn_->send(args, [p, index](Reply* reply) {
      if (p->abandoned) return;
      if (reply == nullptr) {
        if (!p->failure) p->failure = unavailable("redis: connection lost");
      } else {
        p->replies[index] = std::move(*reply);
      }
      // Completion is posted by the timer, never run inside the connection's read loop.
      if (--p->remaining == 0) p->timer.cancel();
    });
    if (sent) ++stats_.commands;
    return sent;
  }

  // The current connection is gone (or going): forget it.
  void lost(const std::string& why) {
    conn_ = nullptr;
    lost_reason_ = why;
    lost_.cancel();
  }

  // Closes the current connection now; in-flight calls fail errc::redis_unavailable.
  void drop() {
    if (conn_ == nullptr) return;
    auto c = std::move(conn_);
    lost("dropped");
    c->close();
  }

  awaitable<Result<std::unique_ptr<Stream>>> open() {
    if (endpoint_.is_unix()) co_return co_await open_unix(ex_, endpoint_.unix_path, connect_timeout_);
    asio::ssl::context* tls = tls_ ? &*tls_ : nullptr;
    HostPort target{endpoint_.host, endpoint_.port};
    if (endpoint_.is_sentinel()) {
      auto master = co_await discover_master(ex_, endpoint_, tls, connect_timeout_);
      if (!master) co_return master.error();
      target = std::move(*master);
    }
    co_return co_await open_tcp(ex_, target, tls, connect_timeout_);
  }

  awaitable<Status> connect_once() {
    auto stream = co_await open();
    if (!stream) co_return stream.error();
    if (stopped_) co_return unavailable("redis: stopped");
    auto c = std::make_shared<Connection>(ex_, std::move(*stream));
    conn_ = c;
    const std::uint64_t gen = ++generation_;
    c->start([weak = weak_from_this(), gen](const std::string& why) {
      if (auto self = weak.lock(); self && self->conn_ != nullptr && self->generation_ == gen)
        self->lost(why);
    });

    std::vector<Args> handshake;
    if (password_) {
      Args auth{"AUTH"};
      if (!endpoint_.user.empty()) auth.add(endpoint_.user);
      auth.add(password_->reveal());
      handshake.push_back(std::move(auth));
    }
    if (endpoint_.db != 0) handshake.push_back(Args{"SELECT"}.add(endpoint_.db));
    handshake.push_back(Args{"PING"});
    // Sentinel named this server, but it may have been demoted since: only a master will do.
    if (endpoint_.is_sentinel()) handshake.push_back(Args{"ROLE"});
    auto r = co_await execute(handshake, connect_timeout_, true);
    auto still_current = [&] { return conn_ == c && generation_ == gen; };
    if (!r) {
      if (still_current()) {
        drop();
        co_return r.error();
      }
      // The link failed under the handshake: say why (a TLS alert such as "certificate required").
      co_return r.error().context("redis: handshake: " + lost_reason_);
    }
    for (const Reply& reply : *r) {
      if (reply.is_error()) {
        if (still_current()) drop();
        // The first word of the error (WRONGPASS, NOAUTH, ERR) only: never echo arguments.
        std::string code = reply.str().substr(0, reply.str().find(' '));
        co_return make_error(errc::redis_auth, "redis: handshake refused (" + code + ")");
      }
    }
    if (endpoint_.is_sentinel() && r->back()[0].str() != "master") {
      if (still_current()) drop();
      co_return make_error(errc::redis_no_master,
                           "redis: the server the sentinels named is not a master (role " +
                               r->back()[0].str() + ")");
    }
    if (!still_current()) co_return unavailable("redis: connection lost during handshake");
    co_return Status{};
  }

  awaitable<void> run(std::shared_ptr<Impl> self) {
    unsigned attempt = 0;
    bool ever = false;
    while (!stopped_) {
      Status st = co_await connect_once();
      if (stopped_) {
        drop();
        break;
      }
      if (st) {
        last_error_.reset();
        if (ever) ++stats_.reconnects;
        ever = true;
        attempt = 0;
        // Debug: the owner logs the state change once for the process (several clients may share
        // an endpoint); the reason of a loss is only known here, so it is logged here.
        log_.debug("connected", {{"endpoint", endpoint_.describe()}});
        set_connected(true);
        if (conn_ != nullptr) {
          lost_.expires_at(asio::steady_timer::time_point::max());
          co_await lost_.async_wait(as_tuple(use_awaitable));
        }
        set_connected(false);
        if (stopped_) break;
        log_.info("connection lost", {{"endpoint", endpoint_.describe()}, {"reason", lost_reason_}});
      } else {
        last_error_ = st.error();
        log_.warn("connect failed",
                  {{"endpoint", endpoint_.describe()}, {"code", st.error().code},
                   {"reason", st.error().message}, {"attempt", attempt}});
      }
      backoff_timer_.expires_after(backoff_delay(attempt++, Duration{50}, reconnect_max_, rng_));
      co_await backoff_timer_.async_wait(as_tuple(use_awaitable));
    }
    running_ = false;
    (void)self;
  }

  void set_connected(bool value) {
    if (connected_ == value) return;
    connected_ = value;
    for (auto* t : waiters_) t->cancel();
    for (const auto& cb : listeners_) asio::post(ex_, [cb, value] { cb(value); });
  }

  std::shared_ptr<Connection> conn_;
  std::uint64_t generation_ = 0;  // counts connections: tells the current one from older ones
  bool running_ = false;
  bool silence_watch_ = false;
  bool stopped_ = true;
  std::string lost_reason_;
  asio::steady_timer lost_;  // cancelled when the connection goes away
  asio::steady_timer backoff_timer_;
  std::vector<asio::steady_timer*> waiters_;
  std::minstd_rand rng_;
  log::Logger log_{"redis"};
};

RedisClient::RedisClient(Executor executor, const config::RedisConfig& config,
                         std::optional<Secret> password) {
  auto ep = parse_url(config.url);
  if (!ep) throw ErrorException(ep.error());
  auto tls = make_tls_context(config, *ep);
  if (!tls) throw ErrorException(tls.error());
  impl_ = std::make_shared<Impl>(std::move(executor), std::move(*ep), std::move(*tls), config,
                                 std::move(password));
}

RedisClient::~RedisClient() { impl_->stop(); }

void RedisClient::start() { impl_->start(); }
void RedisClient::stop() { impl_->stop(); }
bool RedisClient::connected() const noexcept { return impl_->connected_; }

void RedisClient::on_state_change(std::function<void(bool)> callback) {
  impl_->listeners_.push_back(std::move(callback));
}

awaitable<Status> RedisClient::wait_connected(Duration timeout) {
  auto impl = impl_;
  co_return co_await impl->wait_connected(timeout);
}

awaitable<Result<Reply>> RedisClient::command(Args args) {
  auto impl = impl_;
  co_return co_await impl->execute_one(args, impl->command_timeout_);
}

awaitable<Result<Reply>> RedisClient::command(Args args, Duration timeout) {
  auto impl = impl_;
  co_return co_await impl->execute_one(args, timeout);
}

awaitable<Result<std::vector<Reply>>> RedisClient::pipeline(std::vector<Args> commands) {
  auto impl = impl_;
  co_return co_await impl->execute(commands, impl->command_timeout_);
}

awaitable<Result<Reply>> RedisClient::eval(const Script& script, Args call) {
  auto impl = impl_;
  auto r = co_await impl->execute_one(call, impl->command_timeout_);
  if (r && r->is_error() && r->str().starts_with("NOSCRIPT"))
    r = co_await impl->execute_one(script.as_eval(call), impl->command_timeout_);
  co_return r;
}

awaitable<Result<Reply>> RedisClient::eval(const Script& script,
                                           const std::vector<std::string_view>& keys,
                                           const std::vector<std::string_view>& args) {
  co_return co_await eval(script, script.call(keys, args));
}

std::optional<Error> RedisClient::last_connect_error() const { return impl_->last_error_; }
ClientStats RedisClient::stats() const noexcept { return impl_->stats_; }
const Endpoint& RedisClient::endpoint() const noexcept { return impl_->endpoint_; }
RedisClient::Executor RedisClient::get_executor() const noexcept { return impl_->ex_; }

Result<Reply> checked(Result<Reply> r) {
  if (r && r->is_error()) {
    std::string code = r->str().substr(0, r->str().find(' '));
    return make_error(errc::redis_error, "redis replied " + code);
  }
  return r;
}

}  // namespace blazed::redis
