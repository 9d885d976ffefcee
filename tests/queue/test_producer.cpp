// Tests enqueueing: now / at / after, batches, unique keys, priorities, and the key layout.
#include "queue/scripts.hpp"
#include "queue_fixture.hpp"

using namespace blazed;
using namespace blazed::queue;
using namespace blazed::queue::test;

TEST_CASE("queue names are validated and every key carries the queue's hash tag", "[unit]") {
  CHECK(QueueKeys::make("").error().code == "bad_queue_name");
  CHECK(QueueKeys::make("a}b").error().code == "bad_queue_name");
  CHECK(QueueKeys::make("a b").error().code == "bad_queue_name");
  auto k = QueueKeys::make("sync.orders").value();
  CHECK(k.prefix() == "{q:sync.orders}:");
  CHECK(k.pending() == "{q:sync.orders}:pending");
  CHECK(k.job(42) == "{q:sync.orders}:job:42");
  CHECK(k.group_lock("seller:7") == "{q:sync.orders}:group:seller:7");
}

TEST_CASE("enqueue now: pending, with its fields, under the queue's hash tag", "[redis]") {
  QueueFixture f;
  auto id = f.enqueue("sync", R"({"seller":7})");
  CHECK(id == 1);
  CHECK(f.state(id) == State::pending);
  auto d = f.depths();
  CHECK(d.pending == 1);
  CHECK(d.active + d.scheduled + d.retry + d.dead == 0);
  auto fields = f.cmd({"HMGET", f.keys.job(id), "t", "p", "rd", "a"});
  CHECK(fields[0].str() == "sync");
  CHECK(fields[1].str() == R"({"seller":7})");
  CHECK(fields[2].to_int() ==
        std::chrono::duration_cast<std::chrono::microseconds>(f.clock.now().time_since_epoch()).count());
  CHECK(fields[3].is_nil());  // no attempt ended
  auto keys = f.cmd({"KEYS", "*"});
  REQUIRE(keys.size() >= 3);  // seq, pending, job:1 (and the wake-up list)
  for (const auto& key : keys.elements()) {
    INFO(key.str());
    CHECK(key.str().starts_with("{q:test}:"));
  }
}

TEST_CASE("enqueue at / after: scheduled, forwarded to pending only once due", "[redis]") {
  QueueFixture f;
  auto after = f.run(f.producer.enqueue_after("purge", "{}", 10s));
  auto at = f.run(f.producer.enqueue_at("purge", "{}", f.clock.now() + 20s));
  REQUIRE(after);
  REQUIRE(at);
  CHECK(f.state(after->id) == State::scheduled);
  CHECK(f.depths().scheduled == 2);

  auto none = f.run(f.forwarder.forward_once());
  REQUIRE(none);
  CHECK(none->scheduled == 0);
  f.clock.advance(10s);
  auto one = f.run(f.forwarder.forward_once());
  CHECK(one->scheduled == 1);
  CHECK(f.state(after->id) == State::pending);
  CHECK(f.state(at->id) == State::scheduled);
  f.clock.advance(10s);
  CHECK(f.run(f.forwarder.forward_once())->scheduled == 1);
  CHECK(f.depths().pending == 2);
  CHECK(f.depths().scheduled == 0);
}

TEST_CASE("a batch is enqueued in one call, ids in order", "[redis]") {
  QueueFixture f;
  std::vector<NewJob> jobs;
  for (int i = 0; i < 100; ++i) jobs.push_back(NewJob{"noop", std::to_string(i), {}});
  REQUIRE(f.cmd({"SCRIPT", "LOAD", scripts::enqueue().source()}).str() == scripts::enqueue().sha());
  auto before = f.conn.client.stats().commands;
  auto r = f.run(f.producer.enqueue_batch(jobs));
  REQUIRE(r);
  CHECK(f.conn.client.stats().commands - before == 1);
  REQUIRE(r->size() == 100);
  for (std::size_t i = 0; i < r->size(); ++i) CHECK((*r)[i].id == static_cast<std::int64_t>(i + 1));
  CHECK(f.depths().pending == 100);
}

TEST_CASE("a batch larger than one ZADD chunk puts every job in its set", "[redis]") {
  QueueFixture f;
  // 1,301 due now and 1,300 for later: both sets take more than one ZADD chunk of 500 jobs.
  const auto later = f.clock.now() + std::chrono::hours(1);
  std::vector<NewJob> jobs;
  for (int i = 0; i < 2'601; ++i) {
    NewJob j{"noop", "{}", {}};
    if (i % 2 == 1) j.options.run_at = later;
    jobs.push_back(std::move(j));
  }
  auto r = f.run(f.producer.enqueue_batch(jobs));
  REQUIRE(r);
  REQUIRE(r->size() == jobs.size());
  CHECK(f.depths().pending == 1'301);
  CHECK(f.depths().scheduled == 1'300);
}

TEST_CASE("a unique key holds while the job waits or runs, and frees when it ends", "[redis]") {
  QueueFixture f;
  EnqueueOptions o;
  o.unique_key = "sync:seller:7";
  auto first = f.run(f.producer.enqueue("sync", "{}", o));
  REQUIRE(first);
  CHECK_FALSE(first->duplicate);
  auto again = f.run(f.producer.enqueue("sync", "{}", o));
  CHECK(again->duplicate);
  CHECK(again->id == first->id);
  CHECK(f.depths().pending == 1);

  Gate gate(f.io);
  Handlers h;
  h.add("sync", {gated(gate)});
  auto p = f.processor(std::move(h));
  f.wait_for([&] { return p->running() == 1; });
  CHECK(f.run(f.producer.enqueue("sync", "{}", o))->duplicate);  // still held while active
  gate.open();
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::completed);
  auto later = f.run(f.producer.enqueue("sync", "{}", o));
  CHECK_FALSE(later->duplicate);
  CHECK(later->id != first->id);
  f.run(p->stop(1s));
}

TEST_CASE("higher priority runs first, FIFO within a priority", "[redis]") {
  QueueFixture f;
  auto with = [](int pri) {
    EnqueueOptions o;
    o.priority = pri;
    return o;
  };
  auto a = f.enqueue("t", "a", with(0));
  auto b = f.enqueue("t", "b", with(5));
  auto c = f.enqueue("t", "c", with(0));
  auto d = f.enqueue("t", "d", with(5));
  auto e = f.enqueue("t", "e", with(15));
  CHECK(f.run(f.producer.enqueue("t", "x", with(16))).error().code == "bad_job");
  std::vector<std::int64_t> order;
  Handlers h;
  h.add("t", {ok_handler(&order)});
  auto p = f.processor(std::move(h), QueueFixture::options(1));
  f.wait_reports(5);
  CHECK(order == std::vector<std::int64_t>{e, b, d, a, c});
  f.run(p->stop(1s));
}
