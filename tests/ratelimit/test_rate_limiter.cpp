// Tests the token bucket: its exact arithmetic (unit), and the Redis Lua script against it on
// the same sequences, run-time rate changes and slow-down after a 429 (redis).
#include "harness/redis_printers.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_coro.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "ratelimit/token_bucket.hpp"
#include "ratelimit/usage_plans.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <random>

using namespace blazed;
using namespace blazed::ratelimit;
using namespace std::chrono_literals;
using blazed::testing::run_coro;

namespace blazed::ratelimit {
std::ostream& operator<<(std::ostream& os, const Permit& p) {
  return os << (p.granted ? "granted" : "denied until ") << unix_millis(p.retry_at);
}
namespace bucket {
std::ostream& operator<<(std::ostream& os, const State& s) {
  return os << "{tokens " << s.tokens << ", ts " << s.updated_ms << ", rate " << s.rate_micro << "}";
}
std::ostream& operator<<(std::ostream& os, const std::optional<State>& s) {
  return s ? os << *s : os << "none";
}
}  // namespace bucket
}  // namespace blazed::queue

namespace {

constexpr std::int64_t nano = bucket::nano_per_token;
constexpr std::int64_t t0 = 1'700'000'000'000;  // ms

// SP-API's slowest plan: 0.0056 requests/s, burst 20.
const bucket::Limits search_orders = bucket::to_limits(0.0056, 20).value();

}  // namespace

TEST_CASE("usage plans come from one table with config overrides", "[unit]") {
  const auto plans = UsagePlans::make().value();
  CHECK(plans.find("searchOrders").value() == bucket::Limits{5'600, 20});
  CHECK(plans.find("getOrder").value() == bucket::Limits{500'000, 30});
  CHECK(plans.find("listTransactions").value() == bucket::Limits{500'000, 10});
  CHECK(plans.find("getOrders").error().code == "unknown_operation");

  const config::RateLimitPlanConfig overrides[] = {{"getOrder", 2.0, 5}, {"getCatalogItem", 0.25, 2}};
  const auto custom = UsagePlans::make(overrides).value();
  CHECK(custom.find("getOrder").value() == bucket::Limits{2'000'000, 5});
  CHECK(custom.find("getCatalogItem").value() == bucket::Limits{250'000, 2});
  CHECK(custom.find("searchOrders").value() == search_orders);

  const config::RateLimitPlanConfig bad[] = {{"getOrder", 0.0, 5}};
  const auto rejected = UsagePlans::make(bad);
  REQUIRE_FALSE(rejected.has_value());
  CHECK(rejected.error().code == "bad_config");
  CHECK_THAT(rejected.error().message, Catch::Contains("getOrder"));
  CHECK_FALSE(bucket::to_limits(1.0, 0).has_value());
  CHECK_FALSE(bucket::to_limits(5000.0, 1).has_value());
}

TEST_CASE("bucket arithmetic: burst, exact retry time, refill cap", "[unit]") {
  std::optional<bucket::State> s;
  for (int i = 0; i < 20; ++i) {
    const auto o = bucket::acquire(s, search_orders, 1, t0);
    REQUIRE(o.granted);
    s = o.state;
  }
  CHECK(s->tokens == 0);
  // One token takes 10^9 / 5600 = 178571.43 ms: due at the next whole millisecond.
  const auto denied = bucket::acquire(s, search_orders, 1, t0);
  CHECK_FALSE(denied.granted);
  CHECK(denied.retry_at_ms == t0 + 178'572);
  CHECK_FALSE(bucket::acquire(s, search_orders, 1, t0 + 178'571).granted);
  const auto at_due = bucket::acquire(s, search_orders, 1, t0 + 178'572);
  CHECK(at_due.granted);
  CHECK(at_due.state.tokens == 178'572 * 5'600 - nano);

  // Asking for more tokens moves the due time accordingly.
  CHECK(bucket::acquire(s, search_orders, 3, t0 + 1'000).retry_at_ms ==
        t0 + 1'000 + (3 * nano - 1'000 * 5'600 + 5'599) / 5'600);

  // A year idle refills to the burst, not beyond, without overflowing.
  const auto idle = bucket::settle(s, search_orders, t0 + 365LL * 24 * 3'600'000);
  CHECK(idle.tokens == 20 * nano);
  const auto forever = bucket::settle(bucket::State{0, 0, bucket::max_rate_micro},
                                      bucket::Limits{bucket::max_rate_micro, bucket::max_burst},
                                      std::numeric_limits<std::int64_t>::max() / 2);
  CHECK(forever.tokens == bucket::max_burst * nano);
}

TEST_CASE("bucket arithmetic: a clock behind the stored one accrues nothing", "[unit]") {
  const bucket::State s{5 * nano, t0, 0};
  const auto behind = bucket::settle(s, search_orders, t0 - 60'000);
  CHECK(behind == s);
  const auto o = bucket::acquire(bucket::State{0, t0, 0}, search_orders, 1, t0 - 60'000);
  CHECK_FALSE(o.granted);
  CHECK(o.retry_at_ms == t0 + 178'572);  // counted from the stored reading
}

TEST_CASE("bucket arithmetic: set_rate keeps accrued tokens, slow_down empties and scales", "[unit]") {
  const auto plan = bucket::to_limits(0.5, 10).value();  // 500000 micro/s = 500000 nano/ms
  const bucket::State empty{0, t0, 0};
  // Two seconds at the old rate accrue one token, then the rate doubles.
  const auto faster = bucket::set_rate(empty, plan, 1'000'000, t0 + 2'000);
  CHECK(faster.tokens == nano);
  CHECK(faster.rate_micro == 1'000'000);
  CHECK(bucket::settle(faster, plan, t0 + 3'000).tokens == 2 * nano);
  // 0 returns to the plan's rate.
  CHECK(bucket::effective_rate(bucket::set_rate(faster, plan, 0, t0 + 3'000), plan) == 500'000);

  const auto slowed = bucket::slow_down(faster, plan, 500'000, 100, t0 + 3'000);
  CHECK(slowed.tokens == 0);
  CHECK(slowed.rate_micro == 500'000);
  const auto floor = bucket::slow_down(bucket::State{nano, t0, 150}, plan, 500'000, 100, t0);
  CHECK(floor.rate_micro == 100);
  CHECK(bucket::ttl_ms(slowed, plan) == 10 * nano / 500'000 + 1'000);
}

TEST_CASE("bucket arithmetic: every denial names the first instant that succeeds", "[unit]") {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    const bucket::Limits plan{std::uniform_int_distribution<std::int64_t>(1, 3'000'000)(rng),
                              std::uniform_int_distribution<std::int64_t>(1, 40)(rng)};
    std::optional<bucket::State> s;
    std::int64_t now = t0;
    for (int step = 0; step < 50; ++step) {
      now += std::uniform_int_distribution<std::int64_t>(0, 5'000)(rng);
      const auto n = std::uniform_int_distribution<std::int64_t>(1, plan.burst)(rng);
      const auto o = bucket::acquire(s, plan, n, now);
      if (!o.granted) {
        REQUIRE(o.retry_at_ms > now);
        CHECK_FALSE(bucket::acquire(s, plan, n, o.retry_at_ms - 1).granted);
        CHECK(bucket::acquire(s, plan, n, o.retry_at_ms).granted);
      }
      s = o.state;
    }
  }
}

namespace {

struct RedisFixture {
  blazed::testing::RedisServer server;
  boost::asio::io_context io;
  redis::RedisClient client{io.get_executor(), server.config()};
  ManualClock clock{Clock::time_point{std::chrono::milliseconds{t0}}};

  RedisFixture() {
    client.start();
    REQUIRE(run_coro(io, client.wait_connected(10s)));
  }
};

}  // namespace

TEST_CASE("the Lua script and the C++ arithmetic agree on the same sequences", "[redis]") {
  RedisFixture f;
  const config::RateLimitPlanConfig overrides[] = {{"tiny", 0.000001, 1}, {"wide", 1000.0, 1'000'000}};
  RateLimiter limiter(f.client, f.clock, UsagePlans::make(overrides).value(),
                      RateLimiter::Options{0.37, 0.0002});
  const std::vector<std::string> ops = {"searchOrders", "getOrder", "listTransactions", "tiny", "wide"};
  std::map<std::string, std::optional<bucket::State>> model;
  std::mt19937_64 rng(7);
  std::int64_t now = t0;
  int grants = 0;
  int denials = 0;
  for (int step = 0; step < 1'500; ++step) {
    // Mostly small steps, sometimes long idle times, sometimes a clock that went back.
    const int kind = std::uniform_int_distribution<int>(0, 99)(rng);
    if (kind < 80) now += std::uniform_int_distribution<std::int64_t>(0, 4'000)(rng);
    else if (kind < 95) now += std::uniform_int_distribution<std::int64_t>(0, 40'000'000)(rng);
    else now -= std::uniform_int_distribution<std::int64_t>(0, 10'000)(rng);
    f.clock.set(Clock::time_point{std::chrono::milliseconds{now}});

    const auto& op = ops[std::uniform_int_distribution<std::size_t>(0, ops.size() - 1)(rng)];
    const auto plan = limiter.plans().find(op).value();
    auto& state = model[op];
    const int action = std::uniform_int_distribution<int>(0, 19)(rng);
    INFO("step " << step << " op " << op << " action " << action);
    if (action == 0) {
      const double rate = std::uniform_real_distribution<double>(0.001, 5.0)(rng);
      REQUIRE(run_coro(f.io, limiter.set_rate(1, op, rate)));
      state = bucket::set_rate(state, plan, std::min(bucket::rate_to_micro(rate), plan.rate_micro), now);
    } else if (action == 1) {
      REQUIRE(run_coro(f.io, limiter.slow_down(1, op)));
      state = bucket::slow_down(state, plan, 370'000, 200, now);
    } else {
      const auto n = std::uniform_int_distribution<std::int64_t>(1, std::min<std::int64_t>(plan.burst, 25))(rng);
      const auto permit = run_coro(f.io, limiter.try_acquire(1, op, n));
      REQUIRE(permit);
      const auto expected = bucket::acquire(state, plan, n, now);
      CHECK(permit->granted == expected.granted);
      if (!expected.granted) {
        CHECK(unix_millis(permit->retry_at) == expected.retry_at_ms);
        ++denials;
      } else {
        ++grants;
      }
      state = expected.state;
    }
    const auto stored = run_coro(f.io, limiter.inspect(1, op));
    REQUIRE(stored);
    REQUIRE(stored->has_value());
    CHECK(**stored == *state);
  }
  // The sequence exercised both outcomes.
  CHECK(grants > 100);
  CHECK(denials > 100);
}

TEST_CASE("buckets are per seller and operation, and expire once full again", "[redis]") {
  RedisFixture f;
  RateLimiter limiter(f.client, f.clock, UsagePlans::make().value());
  for (int i = 0; i < 10; ++i) REQUIRE(run_coro(f.io, limiter.try_acquire(7, "listTransactions"))->granted);
  const auto denied = run_coro(f.io, limiter.try_acquire(7, "listTransactions")).value();
  CHECK_FALSE(denied.granted);
  CHECK(denied.retry_at == f.clock.now() + 2s);
  // Another seller, and another operation of the same seller, have their own buckets.
  CHECK(run_coro(f.io, limiter.try_acquire(8, "listTransactions"))->granted);
  CHECK(run_coro(f.io, limiter.try_acquire(7, "getOrder"))->granted);

  // The key lives until the bucket would be full again (10 tokens at 0.5/s = 20 s), plus 1 s.
  // PTTL counts down in real time, so only its ceiling is exact.
  const auto key = queue::rate_limit_key(7, "listTransactions");
  const auto state = run_coro(f.io, limiter.inspect(7, "listTransactions")).value().value();
  const auto plan = limiter.plans().find("listTransactions").value();
  CHECK(bucket::ttl_ms(state, plan) == 21'000);
  const auto pttl = run_coro(f.io, f.client.command({"PTTL", key})).value().as_integer();
  CHECK(pttl > 0);
  CHECK(pttl <= 21'000);
  CHECK(key.find("{rl:7}") != std::string::npos);
}

TEST_CASE("set_rate and slow_down change a live bucket", "[redis]") {
  RedisFixture f;
  RateLimiter limiter(f.client, f.clock, UsagePlans::make().value());
  for (int i = 0; i < 10; ++i) REQUIRE(run_coro(f.io, limiter.try_acquire(1, "listTransactions"))->granted);
  // A response header says the real rate is 0.25/s: the next token is due in 4 s, not 2 s.
  REQUIRE(run_coro(f.io, limiter.set_rate(1, "listTransactions", 0.25)));
  CHECK(run_coro(f.io, limiter.try_acquire(1, "listTransactions"))->retry_at == f.clock.now() + 4s);
  // One that says 1000/s is clamped to the plan's 0.5/s: 2 s.
  REQUIRE(run_coro(f.io, limiter.set_rate(1, "listTransactions", 1000.0)));
  CHECK(run_coro(f.io, limiter.try_acquire(1, "listTransactions"))->retry_at == f.clock.now() + 2s);

  // A 429: the bucket empties and the rate halves (0.25/s), so the next token is 4 s away.
  f.clock.advance(10s);
  REQUIRE(run_coro(f.io, limiter.slow_down(1, "listTransactions")));
  CHECK(run_coro(f.io, limiter.try_acquire(1, "listTransactions"))->retry_at == f.clock.now() + 4s);

  CHECK(run_coro(f.io, limiter.try_acquire(1, "listTransactions", 11)).error().code == "bad_request");
  CHECK(run_coro(f.io, limiter.try_acquire(1, "nope")).error().code == "unknown_operation");
}
