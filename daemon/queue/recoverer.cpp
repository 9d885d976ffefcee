// Owns the recoverer's loop and its calls of the recover script.
#include "queue/recoverer.hpp"

#include "core/log.hpp"
#include "queue/scripts.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace blazed::queue {

namespace asio = boost::asio;

Recoverer::Recoverer(redis::RedisClient& client, QueueKeys keys, const Clock& clock,
                     std::chrono::milliseconds interval)
    : client_(client),
      keys_(std::move(keys)),
      clock_(clock),
      interval_(interval),
      state_(std::make_shared<State>(client.get_executor())) {}

Recoverer::~Recoverer() { stop(); }

void Recoverer::start() {
  // The loop holds the state, not `this`: it ends at the next wake-up after stop().
  asio::co_spawn(
      client_.get_executor(),
      [this, state = state_]() -> awaitable<void> {
        while (!state->stopped) {
          auto r = co_await recover_once();
          if (state->stopped) break;
          if (!r) log::Logger("queue").warn("recover failed", {{"queue", keys_.queue()},
                                                                {"code", r.error().code}});
          state->timer.expires_after(interval_);
          co_await state->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
      },
      asio::detached);
}

void Recoverer::stop() {
  state_->stopped = true;
  state_->timer.cancel();
}

awaitable<Result<std::uint64_t>> Recoverer::recover_once() {
  constexpr int limit = 1000;
  std::uint64_t total = 0;
  auto state = state_;
  while (true) {
    auto now = clock_.now();
    const auto& script = scripts::recover();
    redis::Args call = script.call(1);
    call.add(keys_.active()).add(keys_.prefix()).add(unix_millis(now));
    call.add(std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
    call.add(limit);
    auto r = co_await client_.eval(script, std::move(call));
    if (state->stopped) co_return total;  // `this` may be gone after stop()
    if (!r) co_return r.error().context("recover");
    if (r->is_error()) co_return make_error("redis_error", "recover: " + r->str());
    total += r->size();
    if (r->size() > 0) {
      log::Logger("queue").warn("recovered jobs whose lease expired",
                                {{"queue", keys_.queue()}, {"jobs", r->size()}});
    }
    if (r->size() < static_cast<std::size_t>(limit)) break;
  }
  state->recovered += total;
  co_return total;
}

}  // namespace blazed::queue
