// Tests the processor's state transitions: pending -> active -> completed / retry / dead, the
// per-job timeout, unknown types, the group limit, lease renewal and loss, graceful stop.
#include "queue_fixture.hpp"

#include <map>

using namespace blazed;
using namespace blazed::queue;
using namespace blazed::queue::test;

namespace {
Handler failing(std::string code, std::string message, std::vector<int>* attempts = nullptr) {
  return [=](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
    if (attempts != nullptr) attempts->push_back(j.attempt);
    co_return make_error(code, message);
  };
}
}  // namespace

TEST_CASE("pending -> active -> completed: acked, the job is gone", "[redis]") {
  QueueFixture f;
  std::vector<std::int64_t> seen;
  auto id = f.enqueue("noop", "{}");
  Handlers h;
  h.add("noop", {ok_handler(&seen)});
  auto p = f.processor(std::move(h));
  f.wait_reports(1);
  CHECK(seen == std::vector<std::int64_t>{id});
  CHECK(f.reports[0].outcome == Outcome::completed);
  CHECK(f.reports[0].attempt == 1);
  CHECK(f.state(id) == std::nullopt);
  auto d = f.depths();
  CHECK(d.pending + d.active + d.retry + d.dead == 0);
  CHECK(f.cmd({"EXISTS", f.keys.job(id)}).as_integer() == 0);
  CHECK(p->stats().completed == 1);
  CHECK(p->stats().pickup_latency.count() == 1);
  f.run(p->stop(1s));
}

TEST_CASE("a job enqueued while the processor idles is picked up without polling", "[redis]") {
  QueueFixture f;
  Handlers h;
  h.add("noop", {ok_handler()});
  auto p = f.processor(std::move(h));
  // Let the processor find the queue empty and block on the wake-up list.
  f.wait_for([&] { return p->stats().claim_calls >= 1; });
  f.enqueue("noop");
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::completed);
  f.run(p->stop(1s));
}

TEST_CASE("a failed attempt goes to retry with backoff, then runs again", "[redis]") {
  QueueFixture f;
  std::vector<int> attempts;
  bool fail = true;
  Handlers h;
  h.add("flaky", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
                    attempts.push_back(j.attempt);
                    if (fail) co_return make_error("upstream_unavailable", "HTTP 503");
                    co_return Status{};
                  },
                  3, 60s, 1s, 10s});
  auto id = f.enqueue("flaky");
  auto p = f.processor(std::move(h));
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::retried);
  CHECK(f.state(id) == State::retry);
  auto err = f.cmd({"HGET", f.keys.job(id), "err"});
  CHECK(err.str() == "upstream_unavailable: HTTP 503");
  // Backoff for the first retry: base 1 s with jitter in [0.5 s, 1 s].
  auto at = f.cmd({"ZSCORE", f.keys.retry(), std::to_string(id)}).to_int();
  REQUIRE(at);
  auto now = unix_millis(f.clock.now());
  CHECK(*at >= now + 500);
  CHECK(*at <= now + 1000);

  CHECK(f.run(f.forwarder.forward_once())->retry == 0);  // not due yet
  f.clock.advance(1s);
  fail = false;
  CHECK(f.run(f.forwarder.forward_once())->retry == 1);
  f.wait_reports(2);
  CHECK(f.reports[1].outcome == Outcome::completed);
  CHECK(attempts == std::vector<int>{1, 2});
  CHECK(p->stats().retried == 1);
  f.run(p->stop(1s));
}

TEST_CASE("a failed attempt's error is redacted before Redis stores it", "[redis]") {
  QueueFixture f;
  Handlers h;
  // What an upstream error may echo back: a token (also percent-encoded) and an e-mail address.
  h.add("leaky", {failing("upstream", "rejected Atzr|IwEBIcanary-7 and Atza%7Ccanary-8 for jane.doe@example.com",
                          nullptr),
                  1, 60s, 1s, 1s});
  auto id = f.enqueue("leaky", "{}");
  auto p = f.processor(std::move(h));
  f.wait_reports(1);
  auto dead = f.run(f.inspector.dead_jobs(10)).value();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].id == id);
  CAPTURE(dead[0].last_error);
  CHECK(dead[0].last_error.starts_with("upstream: rejected "));
  CHECK(dead[0].last_error.find("canary") == std::string::npos);
  CHECK(dead[0].last_error.find("jane.doe") == std::string::npos);
  f.run(p->stop(1s));
}

TEST_CASE("the last failed attempt goes to dead with the reason and last error", "[redis]") {
  QueueFixture f;
  std::vector<int> attempts;
  Handlers h;
  h.add("doomed", {failing("boom", "kaput", &attempts), 2, 60s, 1s, 1s});
  EnqueueOptions o;
  o.unique_key = "doomed-1";
  auto id = f.enqueue("doomed", "{}", o);
  auto p = f.processor(std::move(h));
  f.wait_reports(1);
  f.clock.advance(1s);
  REQUIRE(f.run(f.forwarder.forward_once()));
  f.wait_reports(2);
  CHECK(f.reports[1].outcome == Outcome::dead);
  CHECK(attempts == std::vector<int>{1, 2});
  CHECK(f.state(id) == State::dead);
  auto dead = f.run(f.inspector.dead_jobs(10)).value();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].id == id);
  CHECK(dead[0].type == "doomed");
  CHECK(dead[0].reason == "out of attempts");
  CHECK(dead[0].last_error == "boom: kaput");
  CHECK(dead[0].attempts == 2);
  CHECK(dead[0].died_ms == unix_millis(f.clock.now()));
  // Dead frees the unique key: the same work can be enqueued again.
  CHECK_FALSE(f.run(f.producer.enqueue("doomed", "{}", o))->duplicate);
  f.run(p->stop(1s));
}

TEST_CASE("max attempts given at enqueue override the type's", "[redis]") {
  QueueFixture f;
  Handlers h;
  h.add("doomed", {failing("boom", "kaput"), 5, 60s, 1s, 1s});
  EnqueueOptions o;
  o.max_attempts = 1;
  auto id = f.enqueue("doomed", "{}", o);
  auto p = f.processor(std::move(h));
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::dead);
  CHECK(f.state(id) == State::dead);
  f.run(p->stop(1s));
}

TEST_CASE("an unknown job type goes to dead with a clear reason", "[redis]") {
  QueueFixture f;
  auto id = f.enqueue("no_such_type");
  Handlers h;
  h.add("noop", {ok_handler()});
  auto p = f.processor(std::move(h));
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::dead);
  auto dead = f.run(f.inspector.dead_jobs(10)).value();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].id == id);
  CHECK(dead[0].reason == "unknown job type");
  CHECK(p->stats().unknown_type == 1);
  f.run(p->stop(1s));
}

TEST_CASE("a permanent error goes to dead at once", "[redis]") {
  QueueFixture f;
  Handlers h;
  h.add("bad_input", {[](const Job&) -> asio::awaitable<queue::HandlerOutcome> {
                        co_return permanent("seller was deleted");
                      },
                      5});
  auto id = f.enqueue("bad_input");
  auto p = f.processor(std::move(h));
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::dead);
  f.check_newest_dead(id, "permanent failure");
  f.run(p->stop(1s));
}

TEST_CASE("a job past its timeout is cancelled and the attempt counts as failed", "[redis]") {
  QueueFixture f;
  Gate never(f.io);
  bool cancelled = false;
  Handlers h;
  h.add("slow", {gated(never, &cancelled), 3, 60s, 1s, 1s});
  EnqueueOptions o;
  o.timeout = 5s;  // the per-job timeout overrides the type's 60 s
  auto id = f.enqueue("slow", "{}", o);
  auto p = f.processor(std::move(h));
  // The run's timeout waits on the clock beside the heartbeat.
  f.wait_for([&] { return p->running() == 1 && f.clock.waiting() == 2; });
  f.clock.advance(4s);
  f.io.poll();
  CHECK(f.reports.empty());
  f.clock.advance(1s);
  f.wait_reports(1);
  CHECK(cancelled);
  CHECK(f.reports[0].outcome == Outcome::retried);
  CHECK(f.state(id) == State::retry);
  CHECK(f.cmd({"HGET", f.keys.job(id), "err"}).str().starts_with("timeout:"));
  CHECK(p->stats().timed_out == 1);
  f.run(p->stop(1s));
}

TEST_CASE("at most one job per group runs at a time; the others wait their turn", "[redis]") {
  QueueFixture f;
  std::map<std::string, int> in_flight;
  std::map<std::string, int> max_in_flight;
  std::vector<std::unique_ptr<Gate>> gates;
  std::vector<std::int64_t> order;
  Handlers h;
  h.add("sync", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
                   int now = ++in_flight[j.group];
                   max_in_flight[j.group] = std::max(max_in_flight[j.group], now);
                   order.push_back(j.id);
                   gates.push_back(std::make_unique<Gate>(f.io));
                   co_await gates.back()->wait();
                   --in_flight[j.group];
                   co_return Status{};
                 }});
  auto in_group = [](std::string g) {
    EnqueueOptions o;
    o.group = std::move(g);
    return o;
  };
  std::vector<std::int64_t> seller1;
  for (int i = 0; i < 4; ++i) seller1.push_back(f.enqueue("sync", "{}", in_group("seller:1")));
  auto s2a = f.enqueue("sync", "{}", in_group("seller:2"));
  auto s2b = f.enqueue("sync", "{}", in_group("seller:2"));
  auto free1 = f.enqueue("sync", "{}");

  auto p = f.processor(std::move(h), QueueFixture::options(8));
  // One of seller 1, one of seller 2 and the ungrouped job run; the rest are parked.
  f.wait_for([&] { return p->running() == 3; });
  CHECK(f.depths().group_waiting == 4);
  CHECK(order == std::vector<std::int64_t>{seller1[0], s2a, free1});

  // Release whatever runs, one gate at a time, until all seven jobs completed.
  std::size_t released = 0;
  while (f.reports.size() < 7) {
    f.wait_for([&] { return gates.size() > released; });
    gates[released++]->open();
    f.wait_reports(released);
  }
  CHECK(max_in_flight["seller:1"] == 1);
  CHECK(max_in_flight["seller:2"] == 1);
  // Within a group, jobs run in their enqueue order.
  std::vector<std::int64_t> seller1_order;
  for (auto id : order)
    if (std::find(seller1.begin(), seller1.end(), id) != seller1.end()) seller1_order.push_back(id);
  CHECK(seller1_order == seller1);
  CHECK(std::find(order.begin(), order.end(), s2b) != order.end());
  auto d = f.depths();
  CHECK(d.pending + d.active + d.group_waiting == 0);
  CHECK(f.cmd({"KEYS", "{q:test}:group:*"}).size() == 0);
  f.run(p->stop(1s));
}

TEST_CASE("the heartbeat renews leases so a long job is not recovered", "[redis]") {
  QueueFixture f;
  Gate gate(f.io);
  Handlers h;
  h.add("long", {gated(gate)});
  f.enqueue("long");
  auto p = f.processor(std::move(h));
  f.wait_for([&] { return p->running() == 1; });
  for (int i = 0; i < 4; ++i) {  // 80 s of a 30 s lease, renewed every 20 s
    f.clock.advance(20s);
    REQUIRE(f.run(p->heartbeat_once()));
    CHECK(f.run(f.recoverer.recover_once()).value() == 0);
  }
  gate.open();
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::completed);
  f.run(p->stop(1s));
}

TEST_CASE("graceful stop: running jobs finish until the deadline, the rest go back uncounted",
          "[redis]") {
  QueueFixture f;
  Gate quick_gate(f.io);
  Gate never(f.io);
  bool stuck_cancelled = false;
  Handlers h;
  h.add("quick", {gated(quick_gate)});
  h.add("stuck", {gated(never, &stuck_cancelled)});
  auto quick = f.enqueue("quick");
  auto stuck = f.enqueue("stuck");
  auto p = f.processor(std::move(h), QueueFixture::options(2));
  f.wait_for([&] { return p->running() == 2; });
  auto waiting = f.enqueue("quick");  // no free slot: stays pending

  bool stopped = false;
  asio::co_spawn(
      f.io,
      [&]() -> asio::awaitable<void> {
        co_await p->stop(30s);
        stopped = true;
      },
      asio::detached);
  quick_gate.open();  // finishes within the deadline; "stuck" does not
  f.wait_for([&] { return p->running() == 1; });
  CHECK_FALSE(stopped);  // still within the deadline, waiting for "stuck"
  f.clock.advance(30s);
  f.wait_for([&] { return stopped; });
  CHECK(stuck_cancelled);
  CHECK(p->stats().completed == 1);
  CHECK(p->stats().handed_back == 1);
  CHECK(f.state(quick) == std::nullopt);  // completed and acked before the stop returned
  CHECK(f.state(stuck) == State::pending);
  CHECK(f.state(waiting) == State::pending);
  CHECK(f.depths().active == 0);

  // The handed-back job's next run is still its first attempt.
  std::vector<int> attempts;
  Handlers h2;
  h2.add("stuck", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
                     attempts.push_back(j.attempt);
                     co_return Status{};
                   }});
  h2.add("quick", {ok_handler()});
  auto p2 = f.processor(std::move(h2));
  f.wait_for([&] { return f.depths().pending == 0 && p2->running() == 0; });
  f.run(p2->stop(1s));
  CHECK(attempts == std::vector<int>{1});
}

TEST_CASE("a Redis restart is survived: the processor reconnects and keeps processing",
          "[redis]") {
  QueueFixture f;
  std::vector<std::int64_t> seen;
  Handlers h;
  h.add("noop", {ok_handler(&seen)});
  auto p = f.processor(std::move(h));
  f.enqueue("noop");
  f.wait_reports(1);
  int reconnects = 0;
  f.conn.client.on_state_change([&](bool up) { reconnects += up ? 1 : 0; });
  f.conn.waiter.on_state_change([&](bool up) { reconnects += up ? 1 : 0; });
  f.server.restart();  // no persistence: a fresh, empty Redis on the same port
  f.wait_for([&] { return reconnects == 2; });
  auto id = f.enqueue("noop");
  f.wait_reports(2);
  CHECK(seen.back() == id);
  CHECK(f.reports[1].outcome == Outcome::completed);
  f.run(p->stop(1s));
}
