// Tests crash safety: a processor that dies mid-job (no stop, no acks) loses nothing; once its
// lease expires the recoverer puts the job back and another processor runs it again, and the
// dead worker can no longer ack, fail or renew that run.
#include "queue_fixture.hpp"

using namespace blazed;
using namespace blazed::queue;
using namespace blazed::queue::test;

TEST_CASE("a killed processor's job is recovered after its lease and re-run elsewhere",
          "[redis]") {
  QueueFixture f;
  Gate never(f.io);
  auto crashed = std::make_unique<Connections>(f.io, f.server.config());
  Handlers ha;
  ha.add("sync", {gated(never)});
  auto id = f.enqueue("sync");
  auto untouched = f.enqueue("other");
  auto a = f.processor(std::move(ha), QueueFixture::options(1), crashed.get());
  f.wait_for([&] { return a->running() == 1; });
  CHECK(f.state(id) == State::active);

  // "SIGKILL": the instance vanishes without a word to Redis.
  a.reset();
  crashed.reset();

  // Before the lease expires nothing is recovered.
  f.clock.advance(29s);
  CHECK(f.run(f.recoverer.recover_once()).value() == 0);
  f.clock.advance(2s);
  CHECK(f.run(f.recoverer.recover_once()).value() == 1);
  CHECK(f.recoverer.recovered() == 1);
  CHECK(f.state(id) == State::pending);
  CHECK(f.state(untouched) == State::pending);

  std::vector<std::pair<std::int64_t, int>> runs;
  Handlers hb;
  auto record = [&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
    runs.emplace_back(j.id, j.attempt);
    co_return Status{};
  };
  hb.add("sync", {record});
  hb.add("other", {record});
  auto b = f.processor(std::move(hb));
  f.wait_for([&] { return runs.size() == 2; });
  // Same job id, second attempt; the job that never ran runs once, as its first attempt.
  CHECK(std::count(runs.begin(), runs.end(), std::make_pair(id, 2)) == 1);
  CHECK(std::count(runs.begin(), runs.end(), std::make_pair(untouched, 1)) == 1);
  f.wait_for([&] { return f.depths().active == 0; });
  f.run(b->stop(1s));
}

TEST_CASE("jobs written by the earlier shape keep their attempts across the upgrade", "[redis]") {
  QueueFixture f;
  // Queued: claimed twice and handed back once (c claims, h hand-backs): one attempt ended.
  auto queued = f.enqueue("sync");
  f.cmd({"HSET", f.keys.job(queued), "c", "2", "h", "1"});
  // Active under an old claim (its token the claim count) whose holder died: the claim counted
  // the attempt in c, so its recovery must not count it again.
  auto claimed = f.enqueue("sync");
  const auto sid = std::to_string(claimed);
  f.cmd({"ZREM", f.keys.pending(), sid});
  f.cmd({"HSET", f.keys.job(claimed), "c", "1"});
  f.cmd({"ZADD", f.keys.active(), std::to_string(unix_millis(f.clock.now()) - 1), sid + ":1"});
  CHECK(f.run(f.recoverer.recover_once()).value() == 1);

  std::vector<std::pair<std::int64_t, int>> runs;
  std::vector<std::int64_t> tokens;
  Handlers h;
  h.add("sync", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
          runs.emplace_back(j.id, j.attempt);
          tokens.push_back(j.token);
          co_return Status{};
        }});
  auto p = f.processor(std::move(h));
  f.wait_for([&] { return runs.size() == 2; });
  CHECK(std::count(runs.begin(), runs.end(), std::make_pair(queued, 2)) == 1);
  CHECK(std::count(runs.begin(), runs.end(), std::make_pair(claimed, 2)) == 1);
  // New lease tokens never equal a claim count of the earlier shape.
  for (auto t : tokens) CHECK(t > (std::int64_t{1} << 32));
  f.wait_for([&] { return f.depths().active == 0; });
  f.run(p->stop(1s));
}

TEST_CASE("a worker whose lease was recovered and re-claimed cannot ack the new run",
          "[redis]") {
  QueueFixture f;
  Gate slow_gate(f.io);
  Gate second_gate(f.io);
  int runs = 0;
  Handlers h;
  h.add("sync", {[&](const Job&) -> asio::awaitable<queue::HandlerOutcome> {
                   Gate& g = ++runs == 1 ? slow_gate : second_gate;
                   co_await g.wait();
                   co_return Status{};
                 }});
  Connections other(f.io, f.server.config());
  auto id = f.enqueue("sync");
  // A's own clock stands still (a stalled process notices nothing), so it does not cancel the run.
  ManualClock a_clock(f.clock.now());
  auto a = f.processor(h, QueueFixture::options(1), nullptr, &a_clock);
  f.wait_for([&] { return a->running() == 1; });

  // A hangs past its lease (its heartbeat did not get through); B takes the job over.
  f.clock.advance(31s);
  CHECK(f.run(f.recoverer.recover_once()).value() == 1);
  auto b = f.processor(h, QueueFixture::options(1), &other);
  f.wait_for([&] { return b->running() == 1; });

  // A wakes up and finishes: its ack is fenced off, the job stays active under B's lease until
  // B completes it.
  f.finish_stale_then_current(slow_gate, second_gate, id);
  CHECK(a->stats().lease_lost == 1);
  CHECK(b->stats().completed == 1);
  f.run(a->stop(1s));
  f.run(b->stop(1s));
}

TEST_CASE("a running job whose lease lapsed is cancelled by its own processor and run again",
          "[redis]") {
  QueueFixture f;
  Gate never(f.io);
  std::vector<int> attempts;
  std::vector<bool> cancelled;
  Handlers h;
  h.add("sync", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
                   attempts.push_back(j.attempt);
                   cancelled.push_back(!(co_await never.wait()));
                   co_return Status{};
                 }});
  auto id = f.enqueue("sync");
  auto a = f.processor(std::move(h), QueueFixture::options(1));
  f.wait_for([&] { return a->running() == 1; });
  f.clock.advance(31s);
  // Cancelled at the lapse, before any recoverer ran: the job stays active until recovered.
  f.wait_for([&] { return cancelled.size() == 1; });
  CHECK(cancelled == std::vector<bool>{true});
  CHECK(f.state(id) == State::active);
  CHECK(f.run(f.recoverer.recover_once()).value() == 1);
  // The freed slot claims the job afresh (attempt 2).
  f.wait_for([&] { return attempts.size() == 2; });
  CHECK(attempts == std::vector<int>{1, 2});
  CHECK(a->stats().lease_lost == 1);
  CHECK(f.state(id) == State::active);
  f.run(a->stop(0ms));  // no grace: the stuck run goes back at once
  CHECK(f.state(id) == State::pending);  // handed back by the stop
}

TEST_CASE("a job recovered after its last attempt goes to dead when next claimed", "[redis]") {
  QueueFixture f;
  Gate never(f.io);
  Handlers h;
  h.add("sync", {gated(never), 1});
  auto id = f.enqueue("sync");
  auto crashed = std::make_unique<Connections>(f.io, f.server.config());
  auto a = f.processor(h, QueueFixture::options(1), crashed.get());
  f.wait_for([&] { return a->running() == 1; });
  a.reset();
  crashed.reset();
  f.clock.advance(31s);
  CHECK(f.run(f.recoverer.recover_once()).value() == 1);
  f.reports.clear();
  auto b = f.processor(h);
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::dead);
  f.check_newest_dead(id, "out of attempts (the last run's lease expired)");
  f.run(b->stop(1s));
}

TEST_CASE("started, the recoverer and the forwarder run their passes on their own", "[redis]") {
  QueueFixture f;
  Recoverer recoverer(f.conn.client, f.keys, f.clock, 1min, LeaseClock{&f.clock});
  Forwarder forwarder(f.conn.client, f.keys, f.clock, 1min);
  auto later = f.run(f.producer.enqueue_after("x", "{}", 5s));
  REQUIRE(later);
  // An abandoned claim, as a killed instance leaves it.
  auto id = f.enqueue("y");
  REQUIRE(f.cmd({"ZPOPMIN", f.keys.pending()}).size() == 2);
  REQUIRE(f.cmd({"ZADD", f.keys.active(), std::to_string(unix_millis(f.clock.now()) + 30'000),
                 std::to_string(id) + ":1"})
              .as_integer() == 1);
  f.clock.advance(31s);
  recoverer.start();
  forwarder.start();
  f.wait_for([&] { return f.depths().pending == 2; });
  CHECK(recoverer.recovered() == 1);
  CHECK(f.state(later->id) == State::pending);

  // The next passes come when the clock has moved by the interval, not before.
  auto again = f.run(f.producer.enqueue_after("z", "{}", 5s));
  REQUIRE(again);
  f.wait_for([&] { return f.clock.waiting() == 2; });  // both loops asleep
  f.clock.advance(59s);
  f.io.poll();
  CHECK(f.state(again->id) == State::scheduled);
  f.clock.advance(1s);
  f.wait_for([&] { return f.depths().pending == 3; });
  recoverer.stop();
  forwarder.stop();
}
