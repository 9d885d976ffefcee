// Tests the scheduler: config validation and seller cadence arithmetic (unit); against a real
// Redis, N racing schedulers enqueue each tick once, missed ticks collapse to one run, a dead
// winner's tick is taken over, list and trigger (redis). Time is a ManualClock throughout.
#include "harness/redis_printers.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_coro.hpp"
#include "queue/inspector.hpp"
#include "schedule/queue_job_sink.hpp"
#include "schedule/scheduler.hpp"
#include "jobs/sync/sync_cadence.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <future>
#include <map>
#include <memory>
#include <set>

using namespace blazed;
using namespace blazed::queue;
using namespace blazed::schedule;
using namespace blazed::jobs::sync;
using namespace std::chrono_literals;
using blazed::testing::run_coro;
using blazed::testing::run_until;
namespace asio = boost::asio;

namespace {

Clock::time_point utc(int y, unsigned m, unsigned d, int h = 0, int min = 0, int s = 0) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min} + seconds{s};
}

config::ScheduleConfig make_schedule(std::string name, std::string cron, std::string zone = {}) {
  config::ScheduleConfig c;
  c.name = std::move(name);
  c.cron = std::move(cron);
  c.zone = std::move(zone);
  c.job = "pii_purge";
  c.queue = "maintenance";
  c.payload = R"({"max_age_days":30})";
  return c;
}

// Records every enqueue, as the queue would receive it; can be told to fail.
class RecordingSink final : public JobSink {
 public:
  struct Job {
    std::string type, queue, payload, unique_key, group;
  };
  asio::awaitable<Result<Enqueued>> enqueue(std::string_view queue, NewJob job) override {
    if (fail_next > 0) {
      --fail_next;
      co_return make_error("redis_unavailable", "enqueue failed on purpose");
    }
    jobs.push_back({job.type, std::string(queue), job.payload, job.options.unique_key, job.options.group});
    if (on_enqueue) on_enqueue();
    co_return Enqueued{static_cast<std::int64_t>(jobs.size()), false};
  }
  std::vector<Job> jobs;
  int fail_next = 0;
  std::function<void()> on_enqueue;
};

}  // namespace

TEST_CASE("schedules are validated with the schedule named in the error", "[unit]") {
  config::SchedulerConfig ok;
  ok.schedules = {make_schedule("purge", "0 3 * * *"), make_schedule("backup", "30 2 * * *", "Europe/Berlin"),
                  make_schedule("audit", "@every 15m")};
  const auto compiled = compile_schedules(ok).value();
  REQUIRE(compiled.size() == 3);
  CHECK(compiled[1].when.zone().name() == "Europe/Berlin");

  struct Case {
    config::ScheduleConfig c;
    const char* needle;
  };
  auto dup = make_schedule("purge", "0 3 * * *");
  auto no_job = make_schedule("x", "0 3 * * *");
  no_job.job.clear();
  auto bad_payload = make_schedule("x", "0 3 * * *");
  bad_payload.payload = "[1,2]";
  auto bad_queue = make_schedule("x", "0 3 * * *");
  bad_queue.queue = "a b";
  const Case cases[] = {
      {make_schedule("bad name", "0 3 * * *"), "schedule 'bad name': name"},
      {dup, "schedule 'purge': defined twice"},
      {no_job, "schedule 'x': job is required"},
      {bad_payload, "schedule 'x': payload must be a JSON object"},
      {bad_queue, "schedule 'x': queue"},
      {make_schedule("x", "0 25 * * *"), "schedule 'x': cron '0 25 * * *': hour field '25'"},
      {make_schedule("x", "0 3 * * *", "Nowhere/Land"), "schedule 'x': time zone 'Nowhere/Land'"},
  };
  for (const auto& c : cases) {
    INFO(c.needle);
    config::SchedulerConfig cfg;
    cfg.schedules = {make_schedule("purge", "0 3 * * *"), c.c};
    const auto r = compile_schedules(cfg);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == "bad_config");
    CHECK_THAT(r.error().message, Catch::Contains(c.needle));
  }
}

TEST_CASE("seller cadence: deterministic offsets spread sellers over the jitter window", "[unit]") {
  config::SyncCadenceConfig cadence;
  cadence.interval = 1h;
  cadence.jitter = 1h;
  std::array<int, 6> per_ten_minutes{};
  for (std::int64_t id = 1; id <= 6'000; ++id) {
    const auto off = seller_offset(id, cadence);
    REQUIRE(off >= 0ms);
    REQUIRE(off < 1h);
    CHECK(seller_offset(id, cadence) == off);
    ++per_ten_minutes[static_cast<std::size_t>(off / 10min)];
  }
  for (int n : per_ten_minutes) {
    CHECK(n > 850);
    CHECK(n < 1'150);
  }
  // The window is capped at the interval, and 0 means no spread.
  cadence.jitter = 0ms;
  CHECK(seller_offset(42, cadence) == 0ms);
  cadence.interval = 10min;
  cadence.jitter = 1h;
  CHECK(seller_offset(42, cadence) < 10min);
}

TEST_CASE("seller cadence: the current slot and the next", "[unit]") {
  config::SyncCadenceConfig cadence;
  cadence.interval = 1h;
  cadence.jitter = 1h;
  const auto now = utc(2024, 5, 1, 12, 0);
  const auto slot7 = current_slot(7, now, cadence);
  REQUIRE(slot7 <= now);
  REQUIRE(now - slot7 < 1h);
  const auto since_midnight = slot7 - utc(2024, 5, 1);
  const bool on_grid = since_midnight == 11h + seller_offset(7, cadence) ||
                       since_midnight == 12h + seller_offset(7, cadence);
  CHECK(on_grid);
  // The next slot is strictly after the time given, one interval after the current one.
  CHECK(next_slot(7, now, cadence) == slot7 + 1h);
  CHECK(next_slot(7, slot7, cadence) == slot7 + 1h);
  CHECK(next_slot(7, slot7 - 1ms, cadence) == slot7);
  CHECK(current_slot(7, slot7 + 1h - 1ms, cadence) == slot7);
}

namespace {

// One Redis, several scheduler instances, each with its own connection (as separate processes
// would have), one shared ManualClock and one sink that sees every enqueue.
struct Cluster {
  blazed::testing::RedisServer server;
  asio::io_context io;
  ManualClock clock{utc(2024, 5, 1, 0, 0, 30)};
  RecordingSink sink;
  std::vector<std::unique_ptr<redis::RedisClient>> clients;
  std::vector<std::unique_ptr<Scheduler>> schedulers;

  explicit Cluster(std::size_t n, std::vector<config::ScheduleConfig> schedules) {
    config::SchedulerConfig cfg;
    cfg.schedules = std::move(schedules);
    const auto compiled = compile_schedules(cfg).value();
    for (std::size_t i = 0; i < n; ++i) {
      clients.push_back(std::make_unique<redis::RedisClient>(io.get_executor(), server.config()));
      clients.back()->start();
      REQUIRE(run_coro(io, clients.back()->wait_connected(10s)));
      Scheduler::Options opts;
      opts.instance_id = "instance-" + std::to_string(i);
      opts.fence_ttl = 60s;
      schedulers.push_back(
          std::make_unique<Scheduler>(*clients.back(), sink, clock, compiled, opts));
    }
  }

  // Every instance runs a pass at the same time; their Redis calls interleave.
  std::size_t race() {
    std::vector<std::future<Result<std::size_t>>> passes;
    for (auto& s : schedulers) passes.push_back(asio::co_spawn(io, s->run_due(), asio::use_future));
    io.restart();
    for (auto& p : passes) {
      while (p.wait_for(0s) != std::future_status::ready) io.run_one();
    }
    std::size_t total = 0;
    for (auto& p : passes) total += p.get().value();
    return total;
  }

  redis::Reply cmd(redis::Args a) { return run_coro(io, clients[0]->command(std::move(a))).value(); }
};

}  // namespace

TEST_CASE("N racing schedulers enqueue each tick exactly once", "[redis]") {
  auto grouped = make_schedule("berlin", "30 1 * * *", "Europe/Berlin");
  grouped.group = "backup";
  Cluster c(5, {make_schedule("every-minute", "@every 1m"), make_schedule("quarter", "*/15 * * * *"), grouped});
  // First start anywhere: the schedules start counting from now, nothing fires.
  CHECK(c.race() == 0);
  CHECK(c.sink.jobs.empty());

  // Step through two days in 20-second steps; every instance runs a pass at each step.
  std::size_t expected = 0;
  const auto start = c.clock.now();
  while (c.clock.now() < start + 48h) {
    c.clock.advance(20s);
    const auto before = c.sink.jobs.size();
    const auto enqueued = c.race();
    CHECK(enqueued == c.sink.jobs.size() - before);
  }
  for (const auto& sched : *c.schedulers.front()->schedules()) {
    for (auto t = sched.when.next_after(std::chrono::floor<std::chrono::seconds>(start));
         t && *t <= c.clock.now(); t = sched.when.next_after(*t)) {
      ++expected;
    }
  }
  CHECK(expected == 48 * 60 + 48 * 4 + 2);
  CHECK(c.sink.jobs.size() == expected);
  std::set<std::string> keys;
  for (const auto& j : c.sink.jobs) {
    CHECK(keys.insert(j.unique_key).second);
    CHECK(j.type == "pii_purge");
    CHECK(j.queue == "maintenance");
    CHECK(j.payload == R"({"max_age_days":30})");
    CHECK(j.group == (j.unique_key.starts_with("schedule:berlin:") ? "backup" : ""));
  }
  // 01:30 Berlin in May is 23:30 UTC the day before.
  CHECK(keys.count("schedule:berlin:" + std::to_string(unix_millis(utc(2024, 5, 1, 23, 30)))) == 1);
}

TEST_CASE("ticks missed while every instance was down run once at start", "[redis]") {
  Cluster c(3, {make_schedule("hourly", "@hourly"), make_schedule("daily", "0 3 * * *")});
  CHECK(c.race() == 0);  // first start: baseline at 00:00:30

  // All instances down for three days and a bit; on restart each schedule runs once, for its
  // latest missed tick.
  c.clock.set(utc(2024, 5, 4, 7, 20));
  CHECK(c.race() == 2);
  REQUIRE(c.sink.jobs.size() == 2);
  std::set<std::string> keys = {c.sink.jobs[0].unique_key, c.sink.jobs[1].unique_key};
  CHECK(keys.count("schedule:hourly:" + std::to_string(unix_millis(utc(2024, 5, 4, 7)))) == 1);
  CHECK(keys.count("schedule:daily:" + std::to_string(unix_millis(utc(2024, 5, 4, 3)))) == 1);

  // Nothing more until the next tick.
  c.clock.set(utc(2024, 5, 4, 7, 59, 59));
  CHECK(c.race() == 0);
  c.clock.set(utc(2024, 5, 4, 8, 0));
  CHECK(c.race() == 1);
  CHECK(c.sink.jobs.back().unique_key ==
        "schedule:hourly:" + std::to_string(unix_millis(utc(2024, 5, 4, 8))));
}

TEST_CASE("a tick whose winner died is taken over when its fence expires", "[redis]") {
  Cluster c(2, {make_schedule("hourly", "@hourly")});
  CHECK(c.race() == 0);
  c.clock.set(utc(2024, 5, 1, 1, 0, 5));
  const auto tick_ms = unix_millis(utc(2024, 5, 1, 1));

  // An instance wins the tick and dies before enqueueing (it only ran the claim).
  TickFence dead(*c.clients[0], "dead-instance");
  REQUIRE(run_coro(c.io, dead.claim("hourly", tick_ms, 60s)).value() == TickFence::Claim::won);
  const auto fence = schedule_fence_key("hourly", tick_ms);
  const auto pttl = c.cmd({"PTTL", fence}).as_integer();
  CHECK(pttl > 0);
  CHECK(pttl <= 60'000);
  CHECK(c.race() == 0);  // held: the others leave it alone while the fence lives

  // Redis expires the fence (done here at once instead of waiting a minute).
  c.cmd({"DEL", fence});
  CHECK(c.race() == 1);
  REQUIRE(c.sink.jobs.size() == 1);
  CHECK(c.sink.jobs[0].unique_key == "schedule:hourly:" + std::to_string(tick_ms));
  CHECK(c.race() == 0);  // and then it is done
}

TEST_CASE("a failed enqueue releases the tick for the next pass", "[redis]") {
  Cluster c(1, {make_schedule("hourly", "@hourly")});
  CHECK(c.race() == 0);
  c.clock.set(utc(2024, 5, 1, 1, 0, 5));
  c.sink.fail_next = 1;
  auto& s = *c.schedulers[0];
  const auto failed = run_coro(c.io, s.run_due());
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == "redis_unavailable");
  CHECK_THAT(failed.error().message, Catch::Contains("hourly"));
  CHECK(c.cmd({"EXISTS", schedule_fence_key("hourly", unix_millis(utc(2024, 5, 1, 1)))}).as_integer() == 0);
  CHECK(run_coro(c.io, s.run_due()).value() == 1);
  CHECK(c.sink.jobs.size() == 1);
}

TEST_CASE("list shows last and next ticks; trigger enqueues now without moving them", "[redis]") {
  Cluster c(1, {make_schedule("daily", "0 3 * * *"), make_schedule("berlin", "30 6 * * *", "Europe/Berlin")});
  auto& s = *c.schedulers[0];

  auto before = run_coro(c.io, s.list()).value();
  REQUIRE(before.size() == 2);
  CHECK(before[0].name == "daily");
  CHECK(before[0].spec == "0 3 * * *");
  CHECK(before[0].zone == "UTC");
  CHECK(before[0].job == "pii_purge");
  CHECK_FALSE(before[0].last_tick.has_value());
  CHECK(before[0].next_tick == utc(2024, 5, 1, 3));
  CHECK(before[1].zone == "Europe/Berlin");
  CHECK(before[1].next_tick == utc(2024, 5, 1, 4, 30));  // 06:30 CEST

  CHECK(run_coro(c.io, s.run_due()).value() == 0);
  c.clock.set(utc(2024, 5, 1, 3, 0, 1));
  CHECK(run_coro(c.io, s.run_due()).value() == 1);
  const auto after = run_coro(c.io, s.list()).value();
  CHECK(after[0].last_tick == utc(2024, 5, 1, 3));
  CHECK(after[0].next_tick == utc(2024, 5, 2, 3));
  CHECK_FALSE(after[1].last_tick.has_value());  // only the first-start mark so far

  const auto key = run_coro(c.io, s.trigger("daily")).value();
  CHECK(key == "schedule:daily:manual:" + std::to_string(unix_millis(c.clock.now())));
  REQUIRE(c.sink.jobs.size() == 2);
  CHECK(c.sink.jobs.back().unique_key == key);
  CHECK(run_coro(c.io, s.list()).value()[0].last_tick == utc(2024, 5, 1, 3));
  CHECK(run_coro(c.io, s.trigger("nope")).error().code == "not_found");
}

TEST_CASE("the run loop does a pass and stops on request", "[redis]") {
  Cluster c(1, {make_schedule("every-minute", "@every 1m")});
  auto& s = *c.schedulers[0];
  CHECK(run_coro(c.io, s.run_due()).value() == 0);
  c.clock.advance(2min);
  c.sink.on_enqueue = [&] { s.stop(); };
  run_coro(c.io, s.run());
  CHECK(c.sink.jobs.size() == 1);
  CHECK(s.next_wakeup(c.clock.now()) == utc(2024, 5, 1, 0, 3));
}

TEST_CASE("the run loop sleeps on its clock until the next tick; stop ends the sleep", "[redis]") {
  Cluster c(1, {make_schedule("every-minute", "@every 1m")});
  auto& s = *c.schedulers[0];
  bool done = false;
  asio::co_spawn(
      c.io,
      [&]() -> asio::awaitable<void> {
        co_await s.run();
        done = true;
      },
      asio::detached);
  REQUIRE(run_until(c.io, [&] { return c.clock.waiting() == 1; }));  // first pass done, asleep
  CHECK(c.sink.jobs.empty());
  const auto next = s.next_wakeup(c.clock.now()).value();
  c.clock.set(next - 1s);
  c.io.poll();
  CHECK(c.sink.jobs.empty());
  c.clock.set(next);
  REQUIRE(run_until(c.io, [&] { return c.sink.jobs.size() == 1 && c.clock.waiting() == 1; }));
  s.stop();
  REQUIRE(run_until(c.io, [&] { return done; }));
}

TEST_CASE("with the real queue: racing instances, and a dead winner's repeat deduplicated", "[redis]") {
  blazed::testing::RedisServer server;
  asio::io_context io;
  ManualClock clock{utc(2024, 5, 1, 0, 0, 30)};
  config::SchedulerConfig cfg;
  cfg.schedules = {make_schedule("quarter", "*/15 * * * *")};
  const auto compiled = compile_schedules(cfg).value();

  std::vector<std::unique_ptr<redis::RedisClient>> clients;
  std::vector<std::unique_ptr<QueueJobSink>> sinks;
  std::vector<std::unique_ptr<Scheduler>> schedulers;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<redis::RedisClient>(io.get_executor(), server.config()));
    clients.back()->start();
    REQUIRE(run_coro(io, clients.back()->wait_connected(10s)));
    sinks.push_back(std::make_unique<QueueJobSink>(*clients.back(), clock));
    schedulers.push_back(std::make_unique<Scheduler>(*clients.back(), *sinks.back(), clock, compiled,
                                                     Scheduler::Options{"i" + std::to_string(i), 60s, 60s}));
  }
  const auto race = [&] {
    std::vector<std::future<Result<std::size_t>>> passes;
    for (auto& s : schedulers) passes.push_back(asio::co_spawn(io, s->run_due(), asio::use_future));
    io.restart();
    std::size_t total = 0;
    for (auto& p : passes) {
      while (p.wait_for(0s) != std::future_status::ready) io.run_one();
      total += p.get().value();
    }
    return total;
  };
  Inspector inspector(*clients[0], QueueKeys::make("maintenance").value());
  const auto pending = [&] { return run_coro(io, inspector.depths()).value().pending; };

  CHECK(race() == 0);
  for (int step = 0; step < 6 * 12; ++step) {  // six hours in 5-minute steps
    clock.advance(5min);
    race();
  }
  CHECK(pending() == 6 * 4);

  // A winner that enqueued but died before marking the tick done: after its fence expires, the
  // tick is enqueued again under the same unique key, and the queue keeps only the first.
  clock.advance(15min);
  const auto tick_ms = unix_millis(utc(2024, 5, 1, 6, 15));
  TickFence dead(*clients[0], "dead-instance");
  REQUIRE(run_coro(io, dead.claim("quarter", tick_ms, 60s)).value() == TickFence::Claim::won);
  NewJob job{"pii_purge", R"({"max_age_days":30})", {}};
  job.options.unique_key = "schedule:quarter:" + std::to_string(tick_ms);
  REQUIRE_FALSE(run_coro(io, sinks[0]->enqueue("maintenance", job)).value().duplicate);
  CHECK(pending() == 6 * 4 + 1);
  run_coro(io, clients[0]->command({"DEL", schedule_fence_key("quarter", tick_ms)})).value();
  CHECK(race() == 0);  // one instance took the tick over, and the queue called it a duplicate
  CHECK(pending() == 6 * 4 + 1);
  CHECK(run_coro(io, dead.last("quarter")).value() == tick_ms);
}

TEST_CASE("a reload swaps the schedules; a kept schedule carries on from its last tick", "[redis]") {
  Cluster c(1, {make_schedule("hourly", "@hourly"), make_schedule("daily", "0 3 * * *")});
  auto& s = *c.schedulers[0];
  CHECK(run_coro(c.io, s.run_due()).value() == 0);
  c.clock.set(utc(2024, 5, 1, 1, 0, 5));
  CHECK(run_coro(c.io, s.run_due()).value() == 1);

  config::SchedulerConfig cfg;
  cfg.schedules = {make_schedule("hourly", "@hourly"), make_schedule("quarter", "*/15 * * * *")};
  s.reload(compile_schedules(cfg).value());
  REQUIRE(s.schedules()->size() == 2);
  CHECK(run_coro(c.io, s.run_due()).value() == 0);  // hourly: 01:00 done; quarter: new, starts now
  c.clock.set(utc(2024, 5, 1, 2, 0, 5));
  CHECK(run_coro(c.io, s.run_due()).value() == 2);  // hourly 02:00 and quarter 02:00, once each
  CHECK(run_coro(c.io, s.trigger("daily")).error().code == "not_found");
  std::set<std::string> keys;
  for (const auto& j : c.sink.jobs) keys.insert(j.unique_key);
  CHECK(keys == std::set<std::string>{"schedule:hourly:" + std::to_string(unix_millis(utc(2024, 5, 1, 1))),
                                      "schedule:hourly:" + std::to_string(unix_millis(utc(2024, 5, 1, 2))),
                                      "schedule:quarter:" + std::to_string(unix_millis(utc(2024, 5, 1, 2)))});
}
