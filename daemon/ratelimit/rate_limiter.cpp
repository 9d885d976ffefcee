// Owns the rate-limit Lua script and RateLimiter's calls to it.
#include "ratelimit/rate_limiter.hpp"

#include "ratelimit/errc.hpp"
#include "redis/errc.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>

namespace blazed::ratelimit {
namespace {

// Mirrors bucket::settle / acquire / set_rate / slow_down / ttl_ms (token_bucket.cpp) step for
// step; every value is an integer below 2^53, so Lua's doubles compute them exactly and
// string.format('%d') stores them without the 14-digit rounding of tostring().
//
// KEYS[1]  the bucket hash: tokens (nano-tokens), ts (ms), rate (micro-tokens/s, 0 = plan's)
// ARGV[1]  operation: "acquire" | "set_rate" | "slow_down"
// ARGV[2]  now, ms since the epoch, from the caller's clock
// ARGV[3]  the plan's rate, micro-tokens per second
// ARGV[4]  the plan's burst, tokens
// ARGV[5]  acquire: tokens wanted; set_rate: the new rate (micro/s, 0 = plan's);
//          slow_down: the rate factor in parts per million
// ARGV[6]  slow_down only: the rate floor, micro-tokens per second
// Returns  {granted 0|1, retry_at ms (0 when granted), tokens, ts, rate}
const redis::Script bucket_script(R"lua(
local NANO = 1000000000
local now = tonumber(ARGV[2])
local plan_rate = tonumber(ARGV[3])
local cap = tonumber(ARGV[4]) * NANO
local arg = tonumber(ARGV[5])
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'rate')
local tokens, ts, rate = cap, now, 0
if h[1] then
  tokens = tonumber(h[1])
  ts = tonumber(h[2])
  rate = tonumber(h[3])
end
local function eff()
  if rate > 0 then return rate end
  return plan_rate
end
if h[1] then
  if tokens > cap then tokens = cap end
  if now > ts then
    local room = cap - tokens
    if (now - ts) * eff() >= room then tokens = cap else tokens = tokens + (now - ts) * eff() end
    ts = now
  end
end
local granted, retry_at = 0, 0
if ARGV[1] == 'acquire' then
  local need = arg * NANO
  if tokens >= need then
    tokens = tokens - need
    granted = 1
  else
    retry_at = ts + math.ceil((need - tokens) / eff())
  end
elseif ARGV[1] == 'set_rate' then
  rate = arg
elseif ARGV[1] == 'slow_down' then
  rate = math.max(tonumber(ARGV[6]), math.floor(eff() * arg / 1000000))
  tokens = 0
else
  return redis.error_reply('unknown rate limit operation')
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%d', tokens), 'ts', string.format('%d', ts),
  'rate', string.format('%d', rate))
redis.call('PEXPIRE', KEYS[1], math.ceil((cap - tokens) / eff()) + 1000)
return {granted, retry_at, tokens, ts, rate}
)lua");

Error reply_error(const redis::Reply& r) {
  return make_error(redis::errc::redis_error, "rate limit script: unexpected reply " + redis::describe(r));
}

}  // namespace

RateLimiter::RateLimiter(redis::RedisClient& redis, const Clock& clock, UsagePlans plans, Options options)
    : redis_(redis),
      clock_(clock),
      plans_(std::move(plans)),
      slow_down_ppm_(std::clamp<std::int64_t>(std::llround(options.slow_down_factor * bucket::ppm), 1,
                                              bucket::ppm)),
      min_rate_micro_(bucket::rate_to_micro(options.min_rate)) {}

boost::asio::awaitable<Result<RateLimiter::ScriptResult>> RateLimiter::run(std::int64_t seller_id,
                                                                           std::string_view operation,
                                                                           std::string_view op,
                                                                           std::int64_t arg) {
  const auto limits = plans_.find(operation);
  if (!limits) co_return limits.error();
  const std::string key = queue::rate_limit_key(seller_id, operation);
  redis::Args call = bucket_script.call(1);
  call.add(key).add(op).add(unix_millis(clock_.now())).add(limits->rate_micro).add(limits->burst).add(arg);
  if (op == "slow_down") call.add(min_rate_micro_);
  auto reply = co_await redis_.eval(bucket_script, std::move(call));
  if (!reply) co_return reply.error().context("rate limit");
  const auto& r = *reply;
  if (r.is_error()) co_return make_error(redis::errc::redis_error, "rate limit script failed");
  const auto granted = r[0].to_int();
  const auto retry_at = r[1].to_int();
  if (!r.is_array() || r.size() != 5 || !granted || !retry_at) co_return reply_error(r);
  co_return ScriptResult{*granted == 1, *retry_at};
}

boost::asio::awaitable<Result<Permit>> RateLimiter::try_acquire(std::int64_t seller_id,
                                                                std::string_view operation,
                                                                std::int64_t n) {
  const auto limits = plans_.find(operation);
  if (!limits) co_return limits.error();
  if (n < 1 || n > limits->burst) {
    co_return make_error(errc::bad_request, "tokens wanted must be between 1 and the burst (" +
                                            std::to_string(limits->burst) + ")");
  }
  auto r = co_await run(seller_id, operation, "acquire", n);
  if (!r) co_return r.error();
  Permit p;
  p.granted = r->granted;
  if (!p.granted) p.retry_at = Clock::time_point{std::chrono::milliseconds{r->retry_at_ms}};
  co_return p;
}

boost::asio::awaitable<Status> RateLimiter::set_rate(std::int64_t seller_id, std::string_view operation,
                                                     double rate_per_second) {
  const auto plan = plans_.find(operation);
  if (!plan) co_return plan.error();
  // The rate comes from a response header: it may slow the bucket down, never speed it past the
  // plan in force (the documented default or the operator's override), whatever it says.
  const std::int64_t micro =
      rate_per_second > 0 ? std::min(bucket::rate_to_micro(rate_per_second), plan->rate_micro) : 0;
  auto r = co_await run(seller_id, operation, "set_rate", micro);
  if (!r) co_return r.error();
  co_return Status{};
}

boost::asio::awaitable<Status> RateLimiter::slow_down(std::int64_t seller_id, std::string_view operation) {
  auto r = co_await run(seller_id, operation, "slow_down", slow_down_ppm_);
  if (!r) co_return r.error();
  co_return Status{};
}

boost::asio::awaitable<Result<std::optional<bucket::State>>> RateLimiter::inspect(
    std::int64_t seller_id, std::string_view operation) {
  const std::string key = queue::rate_limit_key(seller_id, operation);
  redis::Args cmd{"HMGET", key, "tokens", "ts", "rate"};
  auto reply = co_await redis_.command(std::move(cmd));
  if (!reply) co_return reply.error().context("rate limit inspect");
  const auto& r = *reply;
  if (r[0].is_nil()) co_return std::optional<bucket::State>{};
  const auto tokens = r[0].to_int();
  const auto ts = r[1].to_int();
  const auto rate = r[2].to_int();
  if (!tokens || !ts || !rate) co_return reply_error(r);
  co_return std::optional<bucket::State>{bucket::State{*tokens, *ts, *rate}};
}

}  // namespace blazed::ratelimit
