// Owns the recoverer's loop and its calls of the recover script.
#include "queue/recoverer.hpp"

#include "core/log.hpp"
#include "queue/scripts.hpp"
#include "redis/errc.hpp"

namespace blazed::queue {

void Recoverer::start() {
  start_loop("recover", [this]() -> awaitable<Status> {
    auto r = co_await recover_once();
    co_return r ? Status{} : Status(r.error());
  });
}

awaitable<Result<std::uint64_t>> Recoverer::recover_once() {
  constexpr int limit = 1000;
  std::uint64_t total = 0;
  auto stopped = loop_.stopped();
  while (true) {
    auto now = clock_.now();
    const auto& script = scripts::recover();
    redis::Args call = script.call(1);
    call.add(keys_.active()).add(keys_.prefix()).add(lease_clock_.now_ms_arg());
    call.add(std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
    call.add(limit);
    auto r = co_await client_.eval(script, std::move(call));
    if (*stopped) co_return total;  // `this` may be gone after stop()
    if (!r) co_return r.error().context("recover");
    if (r->is_error()) co_return make_error(redis::errc::redis_error, "recover: " + r->str());
    if (!r->is_array() || r->size() != 2) co_return make_error(redis::errc::redis_error, "recover: bad reply");
    const auto& ids = (*r)[0];
    const auto& healed = (*r)[1];
    total += ids.size();
    groups_healed_ += healed.size();
    if (ids.size() > 0) {
      log::Logger("queue").warn("recovered jobs whose lease expired",
                                {{"queue", keys_.queue()}, {"jobs", ids.size()}});
    }
    if (healed.size() > 0) {
      log::Logger("queue").warn("freed group locks whose holder was gone",
                                {{"queue", keys_.queue()}, {"groups", healed.size()}});
    }
    if (ids.size() < static_cast<std::size_t>(limit) && healed.size() < static_cast<std::size_t>(limit)) break;
  }
  recovered_ += total;
  co_return total;
}

}  // namespace blazed::queue
