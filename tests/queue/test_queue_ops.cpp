// Tests the queue's operator features against a real Redis: a handler's deferral (attempt not
// counted), pausing and resuming a queue across processors, retrying and deleting dead jobs, and
// listing and showing jobs by state.
#include "queue/admin.hpp"
#include "queue/outcome.hpp"
#include "queue_fixture.hpp"

using namespace blazed;
using namespace blazed::queue;
using namespace blazed::queue::test;

TEST_CASE("a handler's outcome: an Error or a failed Status is a retry", "[unit]") {
  ManualClock clock;
  CHECK(HandlerOutcome(Status{}).is_done());
  CHECK(done().is_done());
  const HandlerOutcome failed = make_error("timeout", "slow");
  REQUIRE(std::holds_alternative<Retry>(failed.kind()));
  CHECK(failed.error()->code == "timeout");
  const HandlerOutcome bad = permanent("payload is not JSON");
  REQUIRE(std::holds_alternative<Permanent>(bad.kind()));
  CHECK(bad.error()->code == "permanent");
  const HandlerOutcome later = defer_until(clock.now() + 90s, "no token for getOrders");
  REQUIRE(later.deferral() != nullptr);
  CHECK(later.deferral()->until == clock.now() + 90s);
  CHECK(later.error() == nullptr);
}

TEST_CASE("a deferred job is scheduled for its time and its attempt does not count", "[redis]") {
  QueueFixture f;
  std::vector<int> attempts;
  int defers = 2;
  Handlers h;
  h.add("rate_limited", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
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
  h.add("once_more", {[&](const Job&) -> asio::awaitable<queue::HandlerOutcome> {
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

TEST_CASE("a paused queue is not claimed from by any processor; resume lets them claim", "[redis]") {
  QueueFixture f;
  QueueAdmin admin(f.conn.client, f.keys, f.clock);
  Connections other(f.io, f.server.config());
  std::vector<std::int64_t> seen;
  Handlers h;
  h.add("noop", {ok_handler(&seen)});
  REQUIRE(f.run(admin.pause()));
  CHECK(f.run(f.inspector.paused()) == true);
  auto a = f.processor(h);
  auto b = f.processor(h, QueueFixture::options(), &other);
  auto id = f.enqueue("noop");
  // Both processors asked for work after the job was there and were told the queue is paused.
  std::uint64_t a0 = a->stats().paused_claims;
  std::uint64_t b0 = b->stats().paused_claims;
  f.wait_for([&] { return a->stats().paused_claims > a0 && b->stats().paused_claims > b0; });
  CHECK(seen.empty());
  CHECK(a->stats().claimed + b->stats().claimed == 0);
  CHECK(f.state(id) == State::pending);

  CHECK(f.run(admin.resume()) == true);
  CHECK(f.run(f.inspector.paused()) == false);
  f.wait_reports(1);
  CHECK(seen == std::vector<std::int64_t>{id});
  CHECK(f.run(admin.resume()) == false);  // not paused any more
  f.run(a->stop(1s));
  f.run(b->stop(1s));
}

TEST_CASE("a dead job retried runs again with its attempts reset; delete removes it", "[redis]") {
  QueueFixture f;
  QueueAdmin admin(f.conn.client, f.keys, f.clock);
  bool fail = true;
  std::vector<int> attempts;
  Handlers h;
  h.add("fragile", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
                      attempts.push_back(j.attempt);
                      if (fail) co_return make_error("upstream_unavailable", "HTTP 503");
                      co_return Status{};
                    },
                    1});
  EnqueueOptions o;
  o.unique_key = "fragile:1";
  auto id = f.enqueue("fragile", R"({"seller":1})", o);
  auto p = f.processor(std::move(h));
  f.wait_reports(1);
  REQUIRE(f.state(id) == State::dead);
  auto shown = f.run(f.inspector.show(id)).value();
  REQUIRE(shown);
  CHECK(shown->state == State::dead);
  CHECK(shown->type == "fragile");
  CHECK(shown->payload == R"({"seller":1})");
  CHECK(shown->attempts == 1);
  CHECK(shown->dead_reason == "out of attempts");
  CHECK(shown->last_error == "upstream_unavailable: HTTP 503");
  CHECK(shown->at_ms == unix_millis(f.clock.now()));

  // While dead, its unique key is free; a new holder (scheduled, so it stays) blocks the retry.
  EnqueueOptions later = o;
  later.run_at = f.clock.now() + 1h;
  auto holder = f.enqueue("fragile", "{}", later);
  CHECK(holder != id);
  auto conflict = f.run(admin.retry_dead(id));
  REQUIRE_FALSE(conflict);
  CHECK(conflict.error().code == "conflict");
  REQUIRE(f.run(admin.remove(holder)));
  CHECK(f.state(holder) == std::nullopt);

  fail = false;
  REQUIRE(f.run(admin.retry_dead(id)));
  f.wait_reports(2);
  CHECK(f.reports[1].outcome == Outcome::completed);
  CHECK(attempts == std::vector<int>{1, 1});
  CHECK(f.state(id) == std::nullopt);
  auto gone = f.run(admin.retry_dead(id));
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == "not_found");

  // Delete a dead job: the hash goes too.
  fail = true;
  auto id2 = f.enqueue("fragile");
  f.wait_reports(3);
  REQUIRE(f.state(id2) == State::dead);
  REQUIRE(f.run(admin.remove(id2)));
  CHECK(f.state(id2) == std::nullopt);
  CHECK(f.cmd({"EXISTS", f.keys.job(id2)}).as_integer() == 0);
  CHECK(f.depths().dead == 0);
  CHECK(f.run(admin.remove(id2)).error().code == "not_found");
  f.run(p->stop(1s));
}

// A processor whose "slow" jobs wait at `gate`, with one of them running.
struct OneRunning {
  QueueFixture f;
  QueueAdmin admin{f.conn.client, f.keys, f.clock};
  Gate gate{f.io};
  std::int64_t id = 0;  // the running job
  std::unique_ptr<Processor> p;

  OneRunning() {
    Handlers h;
    h.add("slow", {gated(gate)});
    id = f.enqueue("slow");
    p = f.processor(std::move(h));
    f.wait_for([&] { return p->running() == 1; });
  }
};

TEST_CASE("a running job cannot be deleted", "[redis]") {
  OneRunning one;
  auto& [f, admin, gate, id, p] = one;
  auto r = f.run(admin.remove(id));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "conflict");
  auto shown = f.run(f.inspector.show(id)).value();
  REQUIRE(shown);
  CHECK(shown->state == State::active);
  CHECK(shown->at_ms == unix_millis(f.clock.now()) + 30'000);  // the lease deadline
  gate.open();
  f.wait_reports(1);
  f.run(p->stop(1s));
}

TEST_CASE("jobs are listed by state with paging", "[redis]") {
  QueueFixture f;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(f.enqueue("noop", "{\"n\":" + std::to_string(i) + "}"));
  EnqueueOptions later;
  later.run_at = f.clock.now() + 1h;
  auto sched = f.enqueue("noop", "{}", later);

  auto p1 = f.run(f.inspector.list(State::pending, 0, 2)).value();
  CHECK(p1.total == 5);
  REQUIRE(p1.jobs.size() == 2);
  CHECK(p1.jobs[0].id == ids[0]);
  CHECK(p1.jobs[1].id == ids[1]);
  CHECK(p1.jobs[1].payload == "{\"n\":1}");
  CHECK(p1.jobs[1].type == "noop");
  auto p3 = f.run(f.inspector.list(State::pending, 4, 2)).value();
  REQUIRE(p3.jobs.size() == 1);
  CHECK(p3.jobs[0].id == ids[4]);
  CHECK(f.run(f.inspector.list(State::pending, 10, 2))->jobs.empty());

  auto s = f.run(f.inspector.list(State::scheduled, 0, 10)).value();
  CHECK(s.total == 1);
  REQUIRE(s.jobs.size() == 1);
  CHECK(s.jobs[0].id == sched);
  CHECK(s.jobs[0].state == State::scheduled);
  CHECK(s.jobs[0].at_ms == unix_millis(f.clock.now()) + 3'600'000);
  CHECK(f.run(f.inspector.list(State::dead, 0, 10))->total == 0);
  CHECK(f.run(f.inspector.show(999'999)).value() == std::nullopt);
}

TEST_CASE("pausing lets running jobs finish and ack", "[redis]") {
  OneRunning one;
  auto& [f, admin, gate, running, p] = one;
  REQUIRE(f.run(admin.pause()));
  auto waiting = f.enqueue("slow");
  gate.open();
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::completed);
  CHECK(f.reports[0].id == running);
  // The ack went through (the job is gone) while the next job stays pending.
  std::uint64_t seen = p->stats().paused_claims;
  f.wait_for([&] { return p->stats().paused_claims > seen; });
  CHECK(f.state(running) == std::nullopt);
  CHECK(f.state(waiting) == State::pending);
  CHECK(p->stats().claimed == 1);
  f.run(p->stop(1s));
}
