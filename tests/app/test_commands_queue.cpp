// Tests the queue, job and schedule control commands over a real ControlServer and Redis, the
// blazectl subcommands (the real binary) against them, and the queue metrics exposition.
#include "control/server.hpp"
#include "control_fixture.hpp"
#include "ctl/client.hpp"
#include "harness/redis_printers.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_process.hpp"
#include "queue/inspector.hpp"
#include "queue/processor.hpp"
#include "queue/producer.hpp"
#include "schedule/queue_job_sink.hpp"
#include "queue/recoverer.hpp"
#include "schedule/scheduler.hpp"
#include "redis/client.hpp"
#include "queue_ops/commands.hpp"
#include "queue_ops/queue_metrics.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <future>

using namespace blazed;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// A daemon's queue surface: Redis, a control server with the queue commands, a scheduler with
// one schedule. The io_context runs on the fixture's thread; work on it goes through on().
struct QueueDaemon : testing::ControlFixture {
  testing::RedisServer redis_server;
  ManualClock clock;
  redis::RedisClient redis{io.get_executor(), redis_server.config()};
  queue::QueueKeys keys = queue::QueueKeys::make("default").value();
  queue::Producer producer{redis, keys, clock};
  schedule::QueueJobSink sink{redis, clock};
  std::unique_ptr<schedule::Scheduler> scheduler;

  QueueDaemon() {
    config::SchedulerConfig sc;
    sc.schedules.push_back({"nightly-purge", "0 3 * * *", "Europe/Berlin", "pii_purge", "default",
                            "{}", ""});
    auto compiled = schedule::compile_schedules(sc);
    REQUIRE(compiled);
    scheduler = std::make_unique<schedule::Scheduler>(redis, sink, clock, std::move(*compiled),
                                                   schedule::Scheduler::Options{"test", 60s, 60s});
    queue_ops::QueueOps ops;
    ops.redis = &redis;
    ops.queues = {"default", "bulk"};
    ops.clock = &clock;
    ops.scheduler = scheduler.get();
    REQUIRE(queue_ops::register_queue_commands(commands, ops));
    redis.start();
    REQUIRE(start());
    REQUIRE(on(redis.wait_connected(10s)));
  }
  ~QueueDaemon() {
    // The client's reconnect loop is work on io: stop it first or the io thread never ends.
    if (thread.joinable()) on_io([this] { redis.stop(); });
    stop();
  }

  template <class T>
  T on(asio::awaitable<T> a) {
    return asio::co_spawn(io, std::move(a), asio::use_future).get();
  }
  std::int64_t enqueue(std::string type, std::string payload = "{}") {
    auto r = on(producer.enqueue(std::move(type), std::move(payload), {}));
    REQUIRE(r);
    return r->id;
  }

  ctl::Reply call(std::string_view command, json::object args = {}) {
    auto conn = ctl::Connection::open(cfg.socket, 10s);
    REQUIRE(conn);
    auto r = ctl::call(*conn, command, args);
    REQUIRE(r);
    return *r;
  }
  json::value ok(std::string_view command, json::object args = {}) {
    auto r = call(command, std::move(args));
    INFO(command << ": " << r.error.code << " " << r.error.message);
    REQUIRE(r.ok);
    return r.result;
  }
  testing::ProcessResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {BLAZECTL_PATH, "--socket", cfg.socket});
    return testing::run_process(args, {{"BLAZED_SOCKET", ""}});
  }
};

// Runs a processor with `handlers` on the daemon's io thread until it settles one run, then
// stops it. `setup` runs on the io thread before start (e.g. to attach metrics).
// Default options, with leases judged on the test's manual clock.
queue::ProcessorOptions manual_leases(const Clock& clock) {
  queue::ProcessorOptions o;
  o.lease_clock.manual = &clock;
  return o;
}

template <class Setup>
void run_processor(QueueDaemon& d, queue::Handlers handlers, Setup setup) {
  std::unique_ptr<redis::RedisClient> waiter;
  std::unique_ptr<queue::Processor> p;
  std::promise<void> settled;
  d.on_io([&] {
    waiter = std::make_unique<redis::RedisClient>(d.io.get_executor(), d.redis_server.config());
    waiter->start();
  });
  REQUIRE(d.on(waiter->wait_connected(10s)));
  d.on_io([&] {
    p = std::make_unique<queue::Processor>(d.redis, *waiter, d.keys, std::move(handlers),
                                           manual_leases(d.clock), d.clock);
    setup(*p);
    p->on_report([&, once = false](const queue::RunReport&) mutable {
      if (!once) settled.set_value();
      once = true;
    });
    p->start();
  });
  settled.get_future().wait();
  d.on([&]() -> asio::awaitable<void> { co_await p->stop(1s); }());
  d.on_io([&] {
    p.reset();
    waiter->stop();
    waiter.reset();
  });
}

// A dead job through the real path: a processor with no handler for its type.
std::int64_t make_dead(QueueDaemon& d, const std::string& type) {
  auto id = d.enqueue(type, R"({"seller":7})");
  run_processor(d, queue::Handlers{}, [&](queue::Processor&) {});
  return id;
}

}  // namespace

TEST_CASE("jobs.* commands list, show, retry and delete jobs", "[redis]") {
  QueueDaemon d;
  auto dead = make_dead(d, "mystery");
  auto p1 = d.enqueue("sync_orders", R"({"seller":1})");
  d.enqueue("sync_orders", R"({"seller":2})");

  auto page = d.ok("jobs.list", {{"state", "pending"}, {"limit", 1}});
  CHECK(page.at("total") == 2);
  CHECK(page.at("queue") == "default");
  REQUIRE(page.at("jobs").as_array().size() == 1);
  CHECK(page.at("jobs").at(0).at("id") == p1);
  CHECK(page.at("jobs").at(0).at("payload") == R"({"seller":1})");
  page = d.ok("jobs.list", {{"state", "pending"}, {"limit", "1"}, {"offset", "1"}});
  CHECK(page.at("jobs").at(0).at("payload") == R"({"seller":2})");

  auto shown = d.ok("jobs.show", {{"id", dead}});
  CHECK(shown.at("state") == "dead");
  CHECK(shown.at("type") == "mystery");
  CHECK(shown.at("dead_reason") == "unknown job type");
  CHECK(shown.at("attempts") == 1);

  auto r = d.call("jobs.retry", {{"id", p1}});
  CHECK_FALSE(r.ok);
  CHECK(r.error.code == "not_found");  // not dead
  CHECK(d.ok("jobs.retry", {{"id", dead}}).at("retried") == true);
  CHECK(d.ok("jobs.show", {{"id", dead}}).at("state") == "pending");
  CHECK(d.ok("jobs.show", {{"id", dead}}).at("attempts") == 0);
  CHECK(d.ok("jobs.delete", {{"id", dead}}).at("deleted") == true);
  CHECK(d.call("jobs.show", {{"id", dead}}).error.code == "not_found");

  CHECK(d.call("jobs.list", {{"queue", "nope"}}).error.code == "bad_args");
  CHECK(d.call("jobs.list", {{"state", "completed"}}).error.code == "bad_args");
  CHECK(d.call("jobs.list", {{"limit", 0}}).error.code == "bad_args");
  CHECK(d.call("jobs.show", {}).error.code == "bad_args");
}

TEST_CASE("queues.* commands report depths and pause and resume a queue", "[redis]") {
  QueueDaemon d;
  d.enqueue("sync_orders");
  auto qs = d.ok("queues.list").at("queues").as_array();
  REQUIRE(qs.size() == 2);
  CHECK(qs[0].at("name") == "default");
  CHECK(qs[0].at("pending") == 1);
  CHECK(qs[0].at("paused") == false);
  CHECK(qs[1].at("name") == "bulk");
  CHECK(qs[1].at("pending") == 0);

  CHECK(d.ok("queues.pause", {{"queue", "bulk"}}).at("paused") == true);
  CHECK(d.ok("queues.list").at("queues").at(1).at("paused") == true);
  CHECK(d.ok("queues.list").at("queues").at(0).at("paused") == false);
  auto resumed = d.ok("queues.resume", {{"queue", "bulk"}});
  CHECK(resumed.at("was_paused") == true);
  CHECK(d.ok("queues.list").at("queues").at(1).at("paused") == false);
}

TEST_CASE("schedules.* commands list schedules and trigger one", "[redis]") {
  QueueDaemon d;
  auto s = d.ok("schedules.list").at("schedules").as_array();
  REQUIRE(s.size() == 1);
  CHECK(s[0].at("name") == "nightly-purge");
  CHECK(s[0].at("spec") == "0 3 * * *");
  CHECK(s[0].at("zone") == "Europe/Berlin");
  CHECK(s[0].at("queue") == "default");
  auto t = d.ok("schedules.trigger", {{"name", "nightly-purge"}});
  CHECK(t.at("name") == "nightly-purge");
  auto pending = d.ok("jobs.list", {{"state", "pending"}});
  REQUIRE(pending.at("total") == 1);
  CHECK(pending.at("jobs").at(0).at("type") == "pii_purge");
  CHECK(d.call("schedules.trigger", {{"name", "nope"}}).error.code == "not_found");
}

TEST_CASE("blazectl jobs, queues and schedules print tables, --json the raw result", "[redis]") {
  QueueDaemon d;
  auto dead = make_dead(d, "mystery");
  auto r = d.ctl({"jobs", "list"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("ID  TYPE     ATTEMPTS  AT                    REASON / LAST ERROR\n" +
                          std::to_string(dead) + "   mystery  1         2023-11-14T22:13:20Z  unknown job type\n"));
  CHECK(r.out.ends_with("1 of 1 dead jobs in queue default from offset 0\n"));

  r = d.ctl({"jobs", "show", std::to_string(dead)});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("state: dead\ntype: mystery\nattempts: 1 of type default\n") != std::string::npos);
  CHECK(r.out.find("payload: {\"seller\":7}\n") != std::string::npos);

  r = d.ctl({"--json", "jobs", "retry", std::to_string(dead)});
  CHECK(r.exit_code == 0);
  CHECK(json::parse(r.out).at("retried") == true);
  r = d.ctl({"jobs", "retry", std::to_string(dead)});
  CHECK(r.exit_code == 1);
  r = d.ctl({"jobs", "delete", std::to_string(dead), "--queue", "default", "--yes"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "job " + std::to_string(dead) + " in queue default deleted\n");
  CHECK(d.ctl({"jobs", "show"}).exit_code == 2);
  CHECK(d.ctl({"jobs", "list", "--limit", "x"}).exit_code == 2);

  r = d.ctl({"queues", "pause", "bulk"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "queue bulk paused\n");
  r = d.ctl({"queues"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "QUEUE    STATE    PENDING  ACTIVE  SCHEDULED  RETRY  DEAD\n"
        "default  running  0        0       0          0      0\n"
        "bulk     paused   0        0       0          0      0\n");
  r = d.ctl({"queues", "resume", "bulk"});
  CHECK(r.out == "queue bulk resumed\n");

  r = d.ctl({"schedules"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("NAME           SPEC       ZONE           JOB        QUEUE    LAST TICK  NEXT TICK\n"
                          "nightly-purge  0 3 * * *  Europe/Berlin  pii_purge  default  -          "));
  r = d.ctl({"schedules", "trigger", "nightly-purge"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("schedule nightly-purge triggered"));
}

TEST_CASE("queue metrics: depths from the refreshed snapshot, outcomes, histograms, recoveries",
          "[redis]") {
  QueueDaemon d;
  auto qm = queue_ops::register_queue_metrics(d.metrics, d.redis, {"default", "bulk"});
  make_dead(d, "mystery");
  d.enqueue("sync_orders");
  // Nothing read yet: the scrape never calls Redis itself.
  CHECK(d.metrics.expose().find("blazed_queue_depth{") == std::string::npos);
  REQUIRE(d.on(qm->refresh_once()));
  std::string text = d.metrics.expose();
  INFO(text);
  CHECK(text.find("blazed_queue_depth{queue=\"default\",state=\"pending\"} 1\n") != std::string::npos);
  CHECK(text.find("blazed_queue_depth{queue=\"default\",state=\"dead\"} 1\n") != std::string::npos);
  CHECK(text.find("blazed_queue_depth{queue=\"bulk\",state=\"pending\"} 0\n") != std::string::npos);
  CHECK(text.find("blazed_queue_paused{queue=\"default\"} 0\n") != std::string::npos);

  // Outcomes and histograms come from a watched processor's reports.
  queue::Handlers h;
  h.add("sync_orders", {[](const queue::Job&) -> asio::awaitable<queue::HandlerOutcome> { co_return Status{}; }});
  run_processor(d, std::move(h), [&](queue::Processor& p) { qm->watch(p); });
  text = d.metrics.expose();
  CHECK(text.find("blazed_jobs_total{queue=\"default\",type=\"sync_orders\",outcome=\"completed\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("blazed_job_duration_seconds_count{queue=\"default\"} 1\n") != std::string::npos);
  CHECK(text.find("blazed_job_pickup_latency_seconds_count{queue=\"default\"} 1\n") != std::string::npos);
  CHECK(text.find("blazed_job_pickup_latency_seconds_bucket{queue=\"default\",le=\"+Inf\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("blazed_lease_recoveries_total{") == std::string::npos);

  // A lease recovery: a processor dies (destroyed without stop) with a job running; past the
  // lease the recoverer puts it back, and the next refresh counts it.
  auto hung_id = d.enqueue("hang");
  std::unique_ptr<redis::RedisClient> waiter;
  std::unique_ptr<queue::Processor> p;
  std::unique_ptr<queue::Recoverer> recoverer;
  std::promise<void> started;
  queue::Handlers hang;
  hang.add("hang", {[&](const queue::Job&) -> asio::awaitable<queue::HandlerOutcome> {
                      started.set_value();
                      asio::steady_timer t(co_await asio::this_coro::executor,
                                           asio::steady_timer::time_point::max());
                      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
                      co_return Status{};
                    }});
  d.on_io([&] {
    waiter = std::make_unique<redis::RedisClient>(d.io.get_executor(), d.redis_server.config());
    waiter->start();
  });
  REQUIRE(d.on(waiter->wait_connected(10s)));
  d.on_io([&] {
    p = std::make_unique<queue::Processor>(d.redis, *waiter, d.keys, std::move(hang),
                                           manual_leases(d.clock), d.clock);
    p->start();
  });
  started.get_future().wait();
  d.on_io([&] {
    p.reset();  // a crash: Redis is not told
    waiter->stop();
    waiter.reset();
    recoverer = std::make_unique<queue::Recoverer>(d.redis, d.keys, d.clock, 1h,
                                                   queue::LeaseClock{&d.clock});
    qm->watch(*recoverer, "default");
  });
  d.clock.advance(31s);  // past the 30 s lease
  REQUIRE(d.on(recoverer->recover_once()) == 1u);
  REQUIRE(d.on(qm->refresh_once()));
  text = d.metrics.expose();
  CHECK(text.find("blazed_lease_recoveries_total{queue=\"default\"} 1\n") != std::string::npos);
  CHECK(d.ok("jobs.show", {{"id", hung_id}}).at("state") == "pending");
  d.on_io([&] { recoverer.reset(); });
}
