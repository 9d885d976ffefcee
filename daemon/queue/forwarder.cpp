// Owns the forwarder's loop and its calls of the forward script.
#include "queue/forwarder.hpp"

#include "queue/scripts.hpp"
#include "redis/errc.hpp"

namespace blazed::queue {

void Forwarder::start() {
  start_loop("forward", [this]() -> awaitable<Status> {
    auto r = co_await forward_once();
    co_return r ? Status{} : Status(r.error());
  });
}

awaitable<Result<Forwarded>> Forwarder::forward_once() {
  constexpr int limit = 1000;
  Forwarded total;
  auto stopped = loop_.stopped();
  while (true) {
    const auto& script = scripts::forward();
    redis::Args call = script.call(2);
    call.add(keys_.scheduled()).add(keys_.retry());
    call.add(keys_.prefix()).add(unix_millis(clock_.now())).add(limit);
    auto r = co_await client_.eval(script, std::move(call));
    if (*stopped) co_return total;  // `this` may be gone after stop()
    if (!r) co_return r.error().context("forward");
    if (r->is_error()) co_return make_error(redis::errc::redis_error, "forward: " + r->str());
    auto s = static_cast<std::uint64_t>((*r)[0].as_integer());
    auto t = static_cast<std::uint64_t>((*r)[1].as_integer());
    total.scheduled += s;
    total.retry += t;
    if (s < static_cast<std::uint64_t>(limit) && t < static_cast<std::uint64_t>(limit)) break;
  }
  co_return total;
}

}  // namespace blazed::queue
