// Owns the operator's queue writes: pause flag, resume script, dead-job revive and job removal.
#include "queue/admin.hpp"

#include "core/errc.hpp"
#include "queue/errc.hpp"
#include "queue/scripts.hpp"
#include "redis/errc.hpp"

namespace blazed::queue {

QueueAdmin::QueueAdmin(redis::RedisClient& client, QueueKeys keys, const Clock& clock)
    : client_(client), keys_(std::move(keys)), clock_(clock) {}

namespace {
Result<std::int64_t> integer(const Result<redis::Reply>& r, std::string_view op) {
  if (!r) return r.error().context(op);
  if (r->is_error()) return make_error(redis::errc::redis_error, std::string(op) + ": " + r->str());
  return r->as_integer();
}
}  // namespace

awaitable<Status> QueueAdmin::pause() {
  redis::Args set{"SET", keys_.paused(), "1"};
  auto r = co_await client_.command(std::move(set));
  if (!r) co_return r.error().context("pause queue");
  if (r->is_error()) co_return make_error(redis::errc::redis_error, "pause queue: " + r->str());
  co_return Status{};
}

awaitable<Result<bool>> QueueAdmin::resume() {
  const auto& script = scripts::resume();
  redis::Args call = script.call(1);
  call.add(keys_.paused()).add(keys_.prefix());
  auto n = integer(co_await client_.eval(script, std::move(call)), "resume queue");
  if (!n) co_return n.error();
  co_return *n == 1;
}

awaitable<Status> QueueAdmin::retry_dead(std::int64_t id) {
  const auto& script = scripts::revive();
  redis::Args call = script.call(1);
  call.add(keys_.dead()).add(keys_.prefix()).add(id);
  call.add(std::chrono::duration_cast<std::chrono::microseconds>(clock_.now().time_since_epoch())
               .count());
  auto n = integer(co_await client_.eval(script, std::move(call)), "retry job");
  if (!n) co_return n.error();
  if (*n == 0) co_return make_error(blazed::errc::not_found, "no dead job " + std::to_string(id));
  if (*n < 0)
    co_return make_error(errc::conflict, "job " + std::to_string(-*n) + " holds the same unique key");
  co_return Status{};
}

awaitable<Status> QueueAdmin::remove(std::int64_t id) {
  const auto& script = scripts::remove();
  redis::Args call = script.call(4);
  call.add(keys_.pending()).add(keys_.scheduled()).add(keys_.retry()).add(keys_.dead());
  call.add(keys_.prefix()).add(id);
  auto n = integer(co_await client_.eval(script, std::move(call)), "delete job");
  if (!n) co_return n.error();
  if (*n == 0) co_return make_error(blazed::errc::not_found, "no job " + std::to_string(id));
  if (*n < 0)
    co_return make_error(errc::conflict, "job " + std::to_string(id) +
                                         " is running or waiting for its group; not deleted");
  co_return Status{};
}

}  // namespace blazed::queue
