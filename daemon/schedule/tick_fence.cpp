// Owns the fence and last-enqueued scripts of scheduled ticks.
#include "schedule/tick_fence.hpp"

#include "redis/errc.hpp"

namespace blazed::schedule {
namespace {

// KEYS[1] {sched:NAME}:last   KEYS[2] {sched:NAME}:fence:TICK
// ARGV[1] tick ms             ARGV[2] fence TTL ms           ARGV[3] owner (instance id)
// Returns 1 won, 0 done (last >= tick), -1 held by another instance
const redis::Script claim_script(R"lua(
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if last >= tonumber(ARGV[1]) then return 0 end
if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[2]) then return 1 end
return -1
)lua");

// KEYS[1] {sched:NAME}:last   ARGV[1] tick ms
// Returns 1 if last moved forward, 0 if it already was at or past the tick
const redis::Script complete_script(R"lua(
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > last then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
return 0
)lua");

// KEYS[1] {sched:NAME}:fence:TICK   ARGV[1] owner
// Returns 1 if the owner's fence was deleted, 0 otherwise
const redis::Script release_script(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");

Error unexpected(std::string_view what, const redis::Reply& r) {
  return make_error(redis::errc::redis_error, std::string(what) + ": unexpected reply " + redis::describe(r));
}

}  // namespace

boost::asio::awaitable<Result<std::optional<std::int64_t>>> TickFence::last(std::string_view schedule) {
  const auto key = queue::schedule_last_key(schedule);
  redis::Args cmd{"GET", key};
  auto r = redis::checked(co_await redis_.command(std::move(cmd)));
  if (!r) co_return r.error().context("schedule last tick");
  if (r->is_nil()) co_return std::optional<std::int64_t>{};
  const auto v = r->to_int();
  if (!v) co_return unexpected("schedule last tick", *r);
  co_return std::optional<std::int64_t>{*v};
}

boost::asio::awaitable<Status> TickFence::set_baseline(std::string_view schedule, std::int64_t now_ms) {
  const auto key = queue::schedule_last_key(schedule);
  redis::Args cmd{"SET", key};
  cmd.add(now_ms).add("NX");
  auto r = redis::checked(co_await redis_.command(std::move(cmd)));
  if (!r) co_return r.error().context("schedule baseline");
  co_return Status{};
}

boost::asio::awaitable<Result<TickFence::Claim>> TickFence::claim(std::string_view schedule,
                                                                  std::int64_t tick_ms,
                                                                  std::chrono::milliseconds ttl) {
  const auto last_key = queue::schedule_last_key(schedule);
  const auto fence_key = queue::schedule_fence_key(schedule, tick_ms);
  redis::Args call = claim_script.call(2);
  call.add(last_key).add(fence_key).add(tick_ms).add(ttl.count()).add(owner_);
  auto r = redis::checked(co_await redis_.eval(claim_script, std::move(call)));
  if (!r) co_return r.error().context("schedule fence");
  switch (r->to_int().value_or(-2)) {
    case 1: co_return Claim::won;
    case 0: co_return Claim::done;
    case -1: co_return Claim::held;
    default: co_return unexpected("schedule fence", *r);
  }
}

boost::asio::awaitable<Status> TickFence::complete(std::string_view schedule, std::int64_t tick_ms) {
  const auto key = queue::schedule_last_key(schedule);
  redis::Args call = complete_script.call(1);
  call.add(key).add(tick_ms);
  auto r = redis::checked(co_await redis_.eval(complete_script, std::move(call)));
  if (!r) co_return r.error().context("schedule complete");
  co_return Status{};
}

boost::asio::awaitable<Status> TickFence::release(std::string_view schedule, std::int64_t tick_ms) {
  const auto key = queue::schedule_fence_key(schedule, tick_ms);
  redis::Args call = release_script.call(1);
  call.add(key).add(owner_);
  auto r = redis::checked(co_await redis_.eval(release_script, std::move(call)));
  if (!r) co_return r.error().context("schedule release");
  co_return Status{};
}

}  // namespace blazed::schedule
