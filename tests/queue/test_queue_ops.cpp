// Tests the queue's operator features against a real Redis: a handler's deferral (attempt not
// counted), pausing and resuming a queue across processors, retrying and deleting dead jobs, and
// listing and showing jobs by state.
#include "queue/defer.hpp"
#include "queue_fixture.hpp"

using namespace blazed;
using namespace blazed::queue;
using namespace blazed::queue::test;

TEST_CASE("defer_until carries its time through Error, also under a context prefix", "[unit]") {
  ManualClock clock;
  Error e = defer_until(clock.now() + 90s, "no token for getOrders");
  CHECK(e.code == "defer");
  CHECK(deferred_until_ms(e) == unix_millis(clock.now()) + 90'000);
  CHECK(deferred_until_ms(e.context("sync orders")) == unix_millis(clock.now()) + 90'000);
  CHECK(deferred_until_ms(make_error("timeout", "until 5: no")) == std::nullopt);
  CHECK(deferred_until_ms(make_error("defer", "soon")) == std::nullopt);
}

TEST_CASE("a deferred job is scheduled for its time and its attempt does not count", "[redis]") {
  QueueFixture f;
  std::vector<int> attempts;
  int defers = 2;
  Handlers h;
  h.add("rate_limited", {[&](const Job& j) -> asio::awaitable<Status> {
                           attempts.push_back(j.attempt);
                           if (defers-- > 0) co_return defer_until(f.clock.now() + 30s, "no token");
                           co_return Status{};
                         },
                         1});  // one attempt only: a counted deferral would kill the job
  EnqueueOptions o;
  o.group = "seller:1";
  auto id = f.enqueue("rate_limited", "{}", o);
  auto p = f.processor(std::move(h));
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::deferred);
  CHECK(f.state(id) == State::scheduled);
  auto at = f.cmd({"ZSCORE", f.keys.scheduled(), std::to_string(id)}).to_int();
  CHECK(at == unix_millis(f.clock.now()) + 30'000);
  // The group is free while the job waits.
  CHECK(f.cmd({"EXISTS", f.keys.group_lock("seller:1")}).as_integer() == 0);
  CHECK(f.run(f.forwarder.forward_once())->scheduled == 0);  // not due yet

  f.clock.advance(30s);
  CHECK(f.run(f.forwarder.forward_once())->scheduled == 1);
  f.wait_reports(2);
  CHECK(f.reports[1].outcome == Outcome::deferred);
  f.clock.advance(30s);
  CHECK(f.run(f.forwarder.forward_once())->scheduled == 1);
  f.wait_reports(3);
  CHECK(f.reports[2].outcome == Outcome::completed);
  CHECK(attempts == std::vector<int>{1, 1, 1});
  CHECK(p->stats().deferred == 2);
  CHECK(p->stats().retried == 0);
  CHECK(f.state(id) == std::nullopt);
  f.run(p->stop(1s));
}

TEST_CASE("a deferral to a time already due goes straight back to pending", "[redis]") {
  QueueFixture f;
  int runs = 0;
  Handlers h;
  h.add("once_more", {[&](const Job&) -> asio::awaitable<Status> {
                        if (runs++ == 0) co_return defer_until(f.clock.now(), "retry now");
                        co_return Status{};
                      }});
  f.enqueue("once_more");
  auto p = f.processor(std::move(h));
  f.wait_reports(2);
  CHECK(f.reports[0].outcome == Outcome::deferred);
  CHECK(f.reports[1].outcome == Outcome::completed);
  CHECK(f.reports[1].attempt == 1);
  f.run(p->stop(1s));
}
