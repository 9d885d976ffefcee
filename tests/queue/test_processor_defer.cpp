// Tests a handler's deferral (queue/handlers.hpp defer_until): the job waits in retry until the
// named time, runs again, and the deferred runs do not count as attempts (so a job deferred
// more often than its max attempts still completes).
#include "queue_fixture.hpp"

using namespace blazed;
using namespace blazed::queue;
using namespace blazed::queue::test;

TEST_CASE("defer_until round-trips its time and is not mistaken for other errors", "[unit]") {
  const Clock::time_point at{std::chrono::milliseconds(1'700'000'123'456)};
  auto e = defer_until(at, "rate limit");
  CHECK(e.code == "deferred");
  REQUIRE(deferred_until(e).has_value());
  CHECK(*deferred_until(e) == at);
  CHECK_FALSE(deferred_until(make_error("deferred", "soon")).has_value());
  CHECK_FALSE(deferred_until(make_error("boom", "1700000123456 x")).has_value());
}

TEST_CASE("a deferred job runs again at its time without spending an attempt", "[redis]") {
  QueueFixture f;
  std::vector<int> attempts;
  int runs = 0;
  Handlers h;
  // max_attempts 2, deferred 3 times: only real attempts would kill it.
  h.add("patient", {[&](const Job& j) -> asio::awaitable<Status> {
                      attempts.push_back(j.attempt);
                      if (++runs <= 3) co_return defer_until(f.clock.now() + 30s, "tokens due later");
                      co_return Status{};
                    },
                    2, 60s, 1s, 10s});
  auto id = f.enqueue("patient");
  auto p = f.processor(std::move(h));
  for (int i = 1; i <= 3; ++i) {
    f.wait_reports(static_cast<std::size_t>(i));
    CHECK(f.reports.back().outcome == Outcome::retried);
    CHECK(f.state(id) == State::retry);
    auto at = f.cmd({"ZSCORE", f.keys.retry(), std::to_string(id)}).to_int();
    REQUIRE(at);
    CHECK(*at == unix_millis(f.clock.now() + 30s));
    CHECK(f.run(f.forwarder.forward_once())->retry == 0);  // not due a millisecond early
    f.clock.advance(30s);
    CHECK(f.run(f.forwarder.forward_once())->retry == 1);
  }
  f.wait_reports(4);
  CHECK(f.reports.back().outcome == Outcome::completed);
  CHECK(attempts == std::vector<int>{1, 1, 1, 1});
  f.run(p->stop(1s));
}
