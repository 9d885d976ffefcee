// Owns the tests of the queue_probe job type on real PostgreSQL and Redis: a run enqueued on the
// queue and run by a real Processor records its row (job id, queue, unique key, attempt, instance)
// and finishes it, deleting rows past 30 days; bad payloads are permanent failures (dead at once,
// nothing recorded); a run cancelled during its hold leaves its row unfinished.
#include "harness/catch_result.hpp"
#include "jobs/job_runner.hpp"
#include "jobs/job_world.hpp"
#include "jobs/queue_probe/queue_probe_job.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <catch2/catch.hpp>

#include <optional>
#include <string>

using namespace blazed;
using namespace blazed::testing;

namespace {

constexpr const char* kQueue = "default";

// The ManualClock's start, minus `days`, as SQL (rows aged relative to the world's clock).
std::string days_before_start(int days) {
  return "to_timestamp(" + std::to_string(1'700'000'000 - days * 86'400) + ")";
}

std::string count(JobWorld& w, const std::string& where) {
  return *w.db.exec("SELECT count(*) FROM queue_probe_runs WHERE " + where)[0][0];
}

queue::Job probe_job(std::int64_t id, std::string payload) {
  queue::Job job;
  job.queue = kQueue;
  job.id = id;
  job.type = jobs::kQueueProbeJob;
  job.payload = std::move(payload);
  return job;
}

}  // namespace

TEST_CASE("a queue_probe run records its row, finishes it and deletes rows past 30 days", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  w.db.exec("INSERT INTO queue_probe_runs (job_id, queue, attempt, instance_id, started_at, finished_at) VALUES "
            "(1, 'default', 1, 'old', " + days_before_start(31) + ", " + days_before_start(31) + "), "
            "(2, 'default', 1, 'recent', " + days_before_start(29) + ", " + days_before_start(29) + ")");
  queue::EnqueueOptions options;
  options.unique_key = "schedule:probe:1700000000000";
  auto queued = run_coro(w.io, w.ctx->producer(kQueue).enqueue(jobs::kQueueProbeJob, R"({"hold_ms": 5})", options));
  REQUIRE(queued);

  JobRunner runner(w, kQueue);
  runner.wait_reports(1);
  CHECK(runner.reports[0].id == queued->id);
  CHECK(runner.reports[0].outcome == queue::Outcome::completed);

  auto rows = w.db.exec("SELECT job_id, queue, unique_key, attempt, instance_id, "
                        "extract(epoch FROM started_at)::bigint, finished_at IS NOT NULL "
                        "FROM queue_probe_runs WHERE instance_id = 'test-instance'");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0][0] == std::to_string(queued->id));
  CHECK(rows[0][1] == std::optional<std::string>(kQueue));
  CHECK(rows[0][2] == std::optional<std::string>("schedule:probe:1700000000000"));
  CHECK(rows[0][3] == std::optional<std::string>("1"));
  CHECK(rows[0][4] == std::optional<std::string>("test-instance"));
  CHECK(rows[0][5] == std::optional<std::string>("1700000000"));  // from the injected clock
  CHECK(rows[0][6] == std::optional<std::string>("t"));
  // Monitoring sees the finished run (the world's clock starts at 1,700,000,000).
  CHECK_THAT(w.metrics.expose(),
             Catch::Contains(std::string(jobs::kQueueProbeLastSuccessMetric) + "{queue=\"default\"} 1.7e+09"));
  // The 31-day-old row is gone; the 29-day-old one stays.
  CHECK(count(w, "instance_id = 'old'") == "0");
  CHECK(count(w, "instance_id = 'recent'") == "1");

  // Without a unique key (enqueued by hand) the column is NULL; {} and "" mean no hold.
  REQUIRE(run_coro(w.io, w.ctx->producer(kQueue).enqueue(jobs::kQueueProbeJob, "{}")));
  REQUIRE(run_coro(w.io, w.ctx->producer(kQueue).enqueue(jobs::kQueueProbeJob, "")));
  runner.wait_reports(3);
  CHECK(runner.reports[1].outcome == queue::Outcome::completed);
  CHECK(runner.reports[2].outcome == queue::Outcome::completed);
  CHECK(count(w, "unique_key IS NULL AND finished_at IS NOT NULL AND instance_id = 'test-instance'") == "2");
}

TEST_CASE("a queue_probe payload that is not an object with a valid hold_ms is permanent", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  const std::string payload = GENERATE(as<std::string>{}, "[]", "not json", "42", R"({"hold_ms": -1})",
                                       R"({"hold_ms": 60001})", R"({"hold_ms": "20"})", R"({"hold_ms": 2.5})");
  CAPTURE(payload);
  auto direct = run_coro(w.io, jobs::run_queue_probe(*w.ctx, probe_job(7, payload)));
  REQUIRE(std::holds_alternative<queue::Permanent>(direct.kind()));
  CHECK(direct.error()->code == "permanent");
  CHECK_THAT(direct.error()->message, Catch::StartsWith("queue_probe "));

  // Through the queue: dead at once (no retries), and nothing recorded.
  REQUIRE(run_coro(w.io, w.ctx->producer(kQueue).enqueue(jobs::kQueueProbeJob, payload)));
  JobRunner runner(w, kQueue);
  runner.wait_reports(1);
  CHECK(runner.reports[0].outcome == queue::Outcome::dead);
  CHECK(runner.reports[0].attempt == 1);
  CHECK(count(w, "true") == "0");
}

TEST_CASE("a queue_probe run cancelled during its hold leaves its row unfinished", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  const queue::Job job = probe_job(9, R"({"hold_ms": 60000})");
  boost::asio::cancellation_signal cancel;
  std::optional<queue::HandlerOutcome> result;
  boost::asio::co_spawn(w.io, jobs::run_queue_probe(*w.ctx, job),
                        boost::asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, queue::HandlerOutcome st) {
                          if (e) std::rethrow_exception(e);
                          result = std::move(st);
                        }));
  // The row is written before the hold starts; cancel once it is there.
  REQUIRE(run_until(w.io, [&] { return count(w, "job_id = 9") == "1"; }));
  CHECK_FALSE(result.has_value());
  cancel.emit(boost::asio::cancellation_type::terminal);
  REQUIRE(run_until(w.io, [&] { return result.has_value(); }));
  REQUIRE(std::holds_alternative<queue::Retry>(result->kind()));
  CHECK(result->error()->code == "cancelled");
  CHECK(count(w, "job_id = 9 AND finished_at IS NULL") == "1");
}
