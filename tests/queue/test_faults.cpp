// Tests the queue under faults: leases on Redis's clock whatever the instances' clocks say, a run
// whose lease lapsed cancelled by its own processor, Redis losing the queue mid-run (no stale ack
// settles a new job), and group locks healing when their holder is gone.
#include "queue_fixture.hpp"

using namespace blazed;
using namespace blazed::queue;
using namespace blazed::queue::test;

namespace {

std::int64_t redis_time_ms(QueueFixture& f) {
  auto t = f.cmd({"TIME"});
  return std::stoll(t[0].str()) * 1000 + std::stoll(t[1].str()) / 1000;
}

// The lease deadline Redis holds for job `id` (its only active member).
std::int64_t lease_deadline(QueueFixture& f, std::int64_t id) {
  auto active = f.cmd({"ZRANGE", f.keys.active(), "0", "-1", "WITHSCORES"});
  for (std::size_t i = 0; i + 1 < active.size(); i += 2) {
    if (active[i].str().rfind(std::to_string(id) + ":", 0) == 0) return std::stoll(active[i + 1].str());
  }
  return -1;
}

}  // namespace

TEST_CASE("a lease is set on Redis's clock, not on the claiming instance's", "[redis]") {
  QueueFixture f;
  Gate gate(f.io);
  Handlers h;
  h.add("sync", {gated(gate)});
  // The fixture's manual clock stands at 2023; Redis's is the real one.
  auto o = QueueFixture::options(1);
  const LeaseClock redis_time;
  o.lease_clock = redis_time;
  auto id = f.enqueue("sync");
  const auto before = redis_time_ms(f);
  Connections c(f.io, f.server.config());
  auto p = std::make_unique<Processor>(c.client, c.waiter, f.keys, std::move(h), o, f.clock);
  p->start();
  f.wait_for([&] { return p->running() == 1; });
  const auto after = redis_time_ms(f);
  const auto deadline = lease_deadline(f, id);
  CHECK(deadline >= before + 30'000);
  CHECK(deadline <= after + 30'000);
  // A recoverer on Redis's clock leaves it alone, though this instance's clock is years behind.
  Recoverer on_redis(f.conn.client, f.keys, f.clock, 1h, redis_time);
  CHECK(f.run(on_redis.recover_once()).value() == 0);
  CHECK(f.state(id) == State::active);
  gate.open();
  f.wait_for([&] { return f.state(id) == std::nullopt; });
  f.run(p->stop(1s));
}

TEST_CASE("clock skew: a run that outlives its lease is cancelled by its own processor and "
          "taken over by the other instance", "[redis]") {
  QueueFixture f;  // f.clock is Redis's clock (the leases') and instance B's
  ManualClock a_clock(f.clock.now() + 20s);  // instance A runs 20 s ahead
  Gate never(f.io);
  bool a_cancelled = false;
  std::vector<std::string> runs;  // run ids, in start order
  Handlers ha;
  ha.add("sync", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
                    runs.push_back(j.run_id());
                    a_cancelled = !(co_await never.wait());
                    co_return Status{};
                  }});
  auto id = f.enqueue("sync");
  Connections a_conn(f.io, f.server.config());
  auto o = QueueFixture::options(1);
  o.lease_clock.manual = &f.clock;
  auto a = std::make_unique<Processor>(a_conn.client, a_conn.waiter, f.keys, ha, o, a_clock);
  a->on_report([&](const RunReport& r) { f.reports.push_back(r); });
  a->start();
  f.wait_for([&] { return a->running() == 1; });

  // A's skew alone changes nothing: its lease is on Redis's clock.
  CHECK(f.run(f.recoverer.recover_once()).value() == 0);
  // A stalls (no renewal gets through) for longer than the lease: by its own clock the lease
  // has lapsed, so it cancels the run without waiting to hear from Redis.
  a_clock.advance(31s);
  f.wait_for([&] { return a_cancelled; });
  f.wait_reports(1);
  CHECK(f.reports[0].outcome == Outcome::lease_lost);
  CHECK(a->stats().lease_lost == 1);
  // A stays cut off (it claims nothing more here).
  f.run(a->stop(0ms));
  // Redis's clock passes the deadline too: the recoverer frees the job and B takes it over.
  f.clock.advance(31s);
  CHECK(f.run(f.recoverer.recover_once()).value() == 1);
  Gate b_gate(f.io);
  Handlers hb;
  hb.add("sync", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
                    runs.push_back(j.run_id());
                    co_await b_gate.wait();
                    co_return Status{};
                  }});
  auto b = f.processor(std::move(hb), QueueFixture::options(1));
  f.wait_for([&] { return b->running() == 1; });
  REQUIRE(runs.size() == 2);
  CHECK(runs[0] != runs[1]);  // two runs, two fencing tokens
  CHECK(f.state(id) == State::active);
  b_gate.open();
  f.wait_for([&] { return f.state(id) == std::nullopt; });
  f.run(b->stop(1s));
}

TEST_CASE("a lapsed lease is not renewed, even before a recoverer has seen it", "[redis]") {
  QueueFixture f;
  ManualClock redis_clock(f.clock.now());
  bool cancelled = false;
  Gate never(f.io);
  Handlers h;
  h.add("sync", {gated(never, &cancelled)});
  auto id = f.enqueue("sync");
  auto o = QueueFixture::options(1);
  o.lease_clock.manual = &redis_clock;
  auto p = f.processor(std::move(h), o);
  f.wait_for([&] { return p->running() == 1; });
  redis_clock.advance(31s);  // Redis's clock only: this instance's says the lease is fine
  REQUIRE(f.run(p->heartbeat_once()));
  f.wait_for([&] { return cancelled; });
  CHECK(p->stats().lease_lost == 1);
  CHECK(f.state(id) == State::active);  // left for the recoverer
  f.run(p->stop(1s));
}

TEST_CASE("Redis loses the queue mid-run (FLUSHALL, a restart without persistence): no stale "
          "ack settles a new job", "[redis]") {
  QueueFixture f;
  Gate old_gate(f.io);
  Gate new_gate(f.io);
  std::vector<std::string> runs;
  Handlers h;
  h.add("sync", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
                   runs.push_back(j.run_id());
                   co_await (runs.size() == 1 ? old_gate : new_gate).wait();
                   co_return Status{};
                 }});
  auto old_id = f.enqueue("sync");
  auto p = f.processor(h, QueueFixture::options(2));
  f.wait_for([&] { return p->running() == 1; });
  const auto old_epoch = f.cmd({"GET", f.keys.epoch()}).str();

  SECTION("FLUSHALL") { CHECK(f.cmd({"FLUSHALL"}).str() == "OK"); }
  SECTION("restart") {
    f.server.restart();
    f.wait_for([&] { return !f.conn.client.connected(); });
    REQUIRE(f.run(f.conn.client.wait_connected(10s)));
  }
  // The new state hands out the same id and claim count to a different job.
  auto new_id = f.enqueue("sync");
  CHECK(new_id == old_id);
  f.wait_for([&] { return runs.size() == 2; });
  CHECK(f.cmd({"GET", f.keys.epoch()}).str() != old_epoch);
  CHECK(runs[0] != runs[1]);

  // The old run finishes: its ack carries the old epoch and is refused.
  f.finish_stale_then_current(old_gate, new_gate, new_id);
  f.run(p->stop(1s));
}

TEST_CASE("a group-lock holder killed: the lock heals and the group's jobs run", "[redis]") {
  QueueFixture f;
  Gate never(f.io);
  EnqueueOptions seller;
  seller.group = "seller:42";
  auto held = f.run(f.producer.enqueue("sync", "{}", seller)).value().id;
  auto crashed = std::make_unique<Connections>(f.io, f.server.config());
  Handlers ha;
  ha.add("sync", {gated(never)});
  auto a = f.processor(std::move(ha), QueueFixture::options(2), crashed.get());
  f.wait_for([&] { return a->running() == 1; });
  auto waiting = f.run(f.producer.enqueue("sync", "{}", seller)).value().id;
  f.wait_for([&] { return f.depths().group_waiting == 1; });

  a.reset();  // SIGKILL
  crashed.reset();
  SECTION("its job is recovered with it") { CHECK(f.cmd({"EXISTS", f.keys.job(held)}).as_integer() == 1); }
  SECTION("its job and lease are lost with Redis state") {
    // What a failover to a lagging replica can leave: the lock without its holder's run.
    CHECK(f.cmd({"DEL", f.keys.active(), f.keys.job(held)}).as_integer() == 2);
  }
  f.clock.advance(31s);
  REQUIRE(f.run(f.recoverer.recover_once()));
  CHECK(f.cmd({"EXISTS", f.keys.group_lock("seller:42")}).as_integer() == 0);
  std::vector<std::int64_t> seen;
  Handlers hb;
  hb.add("sync", {ok_handler(&seen)});
  auto b = f.processor(std::move(hb));
  f.wait_for([&] { return std::count(seen.begin(), seen.end(), waiting) == 1; });
  f.wait_for([&] { return f.depths().active == 0 && f.depths().group_waiting == 0; });
  f.run(b->stop(1s));
}
