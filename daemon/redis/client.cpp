// Owns RedisClient's connection life (connect, handshake, reconnect with backoff) and the
// in-flight command bookkeeping (pipelined replies, timeouts, NOSCRIPT fallback).
#include "redis/client.hpp"

#include "core/errc.hpp"
#include "core/log.hpp"
#include "redis/asio_events.hpp"
#include "redis/backoff.hpp"
#include "redis/errc.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

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

Reply convert(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_INTEGER: return Reply::integer(r->integer);
    case REDIS_REPLY_STRING: return Reply::string(std::string(r->str, r->len));
    case REDIS_REPLY_STATUS: return Reply::status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR: return Reply::error(std::string(r->str, r->len));
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) elements.push_back(convert(r->element[i]));
      return Reply::array(std::move(elements));
    }
    default: return Reply{};
  }
}

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
  const redisAsyncContext* connection = nullptr;
};

struct Slot {
  std::shared_ptr<Pending> pending;
  std::size_t index;
};

}  // namespace

class RedisClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(Executor ex, Endpoint ep, const config::RedisConfig& cfg, std::optional<Secret> password)
      : ex_(std::move(ex)),
        endpoint_(std::move(ep)),
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
    if (ctx_ == nullptr || (!connected_ && !handshake))
      co_return unavailable("redis: not connected");
    auto p = std::make_shared<Pending>(ex_, commands.size());
    p->reads_at_submit = reads_;
    p->connection = ctx_;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      if (!submit(commands[i], p, i)) {
        p->abandoned = true;
        co_return unavailable("redis: connection closing");
      }
    }
    co_return co_await finish(std::move(p), timeout);
  }

  awaitable<Result<Reply>> execute_one(const Args& args, Duration timeout) {
    if (ctx_ == nullptr || !connected_) co_return unavailable("redis: not connected");
    auto p = std::make_shared<Pending>(ex_, 1);
    p->reads_at_submit = reads_;
    p->connection = ctx_;
    if (!submit(args, p, 0)) co_return unavailable("redis: connection closing");
    auto r = co_await finish(std::move(p), timeout);
    if (!r) co_return r.error();
    co_return std::move(r->front());
  }

  bool connected_ = false;
  Executor ex_;
  Endpoint endpoint_;
  Duration connect_timeout_;
  Duration command_timeout_;
  Duration reconnect_max_;
  std::optional<Secret> password_;
  std::vector<std::function<void(bool)>> listeners_;
  ClientStats stats_;

 private:
  awaitable<Result<std::vector<Reply>>> finish(std::shared_ptr<Pending> p, Duration timeout) {
    if (p->remaining > 0) {
      p->timer.expires_after(timeout);
      auto [ec] = co_await p->timer.async_wait(as_tuple(use_awaitable));
      if (p->remaining > 0) {
        p->abandoned = true;
        if (ec) co_return make_error(blazed::errc::cancelled, "redis: command cancelled");
        ++stats_.timeouts;
        if (ctx_ != nullptr && ctx_ == p->connection && reads_ == p->reads_at_submit)
          watch_silence();
        co_return make_error(blazed::errc::timeout, "redis: no answer in time");
      }
    }
    if (p->failure) co_return *p->failure;
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
        [self = shared_from_this(), ctx = ctx_, reads = reads_]() -> awaitable<void> {
          asio::steady_timer t(self->ex_, self->command_timeout_);
          co_await t.async_wait(as_tuple(use_awaitable));
          self->silence_watch_ = false;
          if (self->ctx_ == ctx && self->reads_ == reads) {
            self->log_.warn("no answer from redis within two command timeouts; reconnecting",
                            {{"endpoint", self->endpoint_.describe()}});
            self->drop();
          }
        },
        asio::detached);
  }

  bool submit(const Args& args, const std::shared_ptr<Pending>& p, std::size_t index) {
    argv_.clear();
    lens_.clear();
    for (std::size_t i = 0; i < args.size(); ++i) {
      argv_.push_back(args[i].data());
      lens_.push_back(args[i].size());
    }
    auto* slot = new Slot{p, index};
    if (redisAsyncCommandArgv(ctx_, &Impl::on_reply, slot, static_cast<int>(args.size()),
                              argv_.data(), lens_.data()) != REDIS_OK) {
      delete slot;
      return false;
    }
    ++stats_.commands;
    return true;
  }

  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
    std::unique_ptr<Slot> slot(static_cast<Slot*>(privdata));
    if (auto* self = static_cast<Impl*>(ac->data); self != nullptr && reply != nullptr)
      ++self->reads_;
    Pending& p = *slot->pending;
    if (p.abandoned) return;
    if (reply == nullptr) {
      if (!p.failure) p.failure = unavailable("redis: connection lost");
    } else {
      p.replies[slot->index] = convert(static_cast<const redisReply*>(reply));
    }
    // Completion is posted by the timer, never run inside hiredis's read loop.
    if (--p.remaining == 0) p.timer.cancel();
  }

  static void on_connect(const redisAsyncContext* ac, int status) {
    auto* self = static_cast<Impl*>(ac->data);
    // On failure hiredis frees the context right after this call; forget it.
    if (self != nullptr && status != REDIS_OK && self->ctx_ == ac) self->lost(ac->errstr);
  }

  static void on_disconnect(const redisAsyncContext* ac, int /*status*/) {
    auto* self = static_cast<Impl*>(ac->data);
    if (self != nullptr && self->ctx_ == ac) self->lost(ac->errstr);
  }

  // The current context is gone (or going): hiredis frees it, we only forget it.
  void lost(const char* why) {
    ctx_ = nullptr;
    lost_reason_ = why != nullptr ? why : "closed";
    lost_.cancel();
  }

  // Closes the current connection now; in-flight calls fail errc::redis_unavailable.
  void drop() {
    if (ctx_ == nullptr) return;
    redisAsyncContext* c = ctx_;
    lost("dropped");
    c->data = nullptr;
    redisAsyncFree(c);
  }

  awaitable<Status> connect_once() {
    redisAsyncContext* c = endpoint_.is_unix()
                               ? redisAsyncConnectUnix(endpoint_.unix_path.c_str())
                               : redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
    if (c == nullptr) co_return unavailable("redis: out of memory");
    if (c->err != 0 || !detail::attach(c, ex_)) {
      std::string why = c->errstr;
      redisAsyncFree(c);
      co_return unavailable("redis: connect: " + why);
    }
    c->data = this;
    ctx_ = c;
    redisAsyncSetConnectCallback(c, &Impl::on_connect);
    redisAsyncSetDisconnectCallback(c, &Impl::on_disconnect);

    std::vector<Args> handshake;
    if (password_) {
      Args auth{"AUTH"};
      if (!endpoint_.user.empty()) auth.add(endpoint_.user);
      auth.add(password_->reveal());
      handshake.push_back(std::move(auth));
    }
    if (endpoint_.db != 0) handshake.push_back(Args{"SELECT"}.add(endpoint_.db));
    handshake.push_back(Args{"PING"});
    auto r = co_await execute(handshake, connect_timeout_, true);
    if (!r) {
      if (ctx_ == c) drop();
      co_return r.error();
    }
    for (const Reply& reply : *r) {
      if (reply.is_error()) {
        if (ctx_ == c) drop();
        // The first word of the error (WRONGPASS, NOAUTH, ERR) only: never echo arguments.
        std::string code = reply.str().substr(0, reply.str().find(' '));
        co_return make_error(errc::redis_auth, "redis: handshake refused (" + code + ")");
      }
    }
    if (ctx_ != c) co_return unavailable("redis: connection lost during handshake");
    co_return Status{};
  }

  awaitable<void> run(std::shared_ptr<Impl> self) {
    unsigned attempt = 0;
    bool ever = false;
    while (!stopped_) {
      Status st = co_await connect_once();
      if (stopped_) break;
      if (st) {
        if (ever) ++stats_.reconnects;
        ever = true;
        attempt = 0;
        // Debug: the owner logs the state change once for the process (several clients may share
        // an endpoint); the reason of a loss is only known here, so it is logged here.
        log_.debug("connected", {{"endpoint", endpoint_.describe()}});
        set_connected(true);
        if (ctx_ != nullptr) {
          lost_.expires_at(asio::steady_timer::time_point::max());
          co_await lost_.async_wait(as_tuple(use_awaitable));
        }
        set_connected(false);
        if (stopped_) break;
        log_.info("connection lost", {{"endpoint", endpoint_.describe()}, {"reason", lost_reason_}});
      } else {
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

  redisAsyncContext* ctx_ = nullptr;
  bool running_ = false;
  bool silence_watch_ = false;
  bool stopped_ = true;
  std::uint64_t reads_ = 0;  // replies read, any call: tells a slow server from a dead link
  std::string lost_reason_;
  asio::steady_timer lost_;  // cancelled when the connection goes away
  asio::steady_timer backoff_timer_;
  std::vector<asio::steady_timer*> waiters_;
  std::minstd_rand rng_;
  std::vector<const char*> argv_;
  std::vector<std::size_t> lens_;
  log::Logger log_{"redis"};
};

RedisClient::RedisClient(Executor executor, const config::RedisConfig& config,
                         std::optional<Secret> password) {
  auto ep = parse_url(config.url);
  if (!ep) throw ErrorException(ep.error());
  impl_ = std::make_shared<Impl>(std::move(executor), std::move(*ep), config, std::move(password));
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
