// Owns the tests of the backup duty inside the daemon's machinery: backup.run enqueues one job
// (a second ask returns it), the real queue processor runs the backup, prune and drill job types
// against PostgreSQL, Redis and s3rver configured through backup.targets, each leaving its
// backup_runs row, audit event and metrics; two instances whose schedulers reach the backup's
// tick together make one backup; with no targets the runs do nothing.
#include "backup/backup_fixture.hpp"
#include "jobs/backup/backup_duty.hpp"
#include "jobs/job_runner.hpp"
#include "jobs/job_world.hpp"
#include "queue/producer.hpp"
#include "schedule/queue_job_sink.hpp"
#include "schedule/scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdlib>

using namespace blazed;
using namespace blazed::testing;
namespace bk = blazed::jobs::backup;

namespace {

void configure_targets(JobWorld& w, const S3rver& s3) {
  ::setenv("BLZTEST_ACCESS_KEY_ID", "S3RVER", 1);
  ::setenv("BLZTEST_SECRET_ACCESS_KEY", "not-checked-by-s3rver", 1);
  config::BackupTargetConfig t;
  t.name = "eu";
  t.bucket = s3.bucket();
  t.region = "eu-central-1";
  t.endpoint = s3.endpoint();
  t.credentials = {config::SecretRef::Kind::env, "BLZTEST"};
  t.addressing = "path";
  t.prefix = "db/";
  t.allow_plain_http = true;
  w.config.backup.targets = {t};
  w.config.backup.primary_region = "us-east-1";
  w.config.postgres.dsn = w.db.dsn();
}

queue::Job job_of(const char* type, std::int64_t id) {
  queue::Job job;
  job.queue = bk::kBackupQueue;
  job.id = id;
  job.type = type;
  job.payload = "{}";
  return job;
}

// Runs the queue until it reports one job; then backup_runs as "kind outcome [more columns]"
// per row, rows joined by ','.
std::string runs_after_one_job(JobWorld& w, const std::string& more_columns = {}) {
  {
    JobRunner runner(w, bk::kBackupQueue);
    runner.wait_reports(1);
  }
  return w.db.exec("SELECT string_agg(concat_ws(' ', kind, outcome" + more_columns + "), ',') FROM backup_runs")[0][0]
      .value_or("");
}

}  // namespace

TEST_CASE("backup.run enqueues one backup; the queue runs it, then prune and a drill", "[s3][pg][redis]") {
  JobWorld w({"k1"}, "k1");
  S3rver s3;
  w.clock.set(SystemClock::instance().now());  // S3 refuses requests signed far from real time
  configure_targets(w, s3);
  w.db.exec("CREATE TABLE public.things (id int PRIMARY KEY, name text);"
            "INSERT INTO public.things SELECT g, 'thing ' || g FROM generate_series(1, 500) g; ANALYZE;");

  auto first = run_coro(w.io, bk::enqueue_backup(*w.ctx));
  auto second = run_coro(w.io, bk::enqueue_backup(*w.ctx));
  REQUIRE_OK(first);
  REQUIRE_OK(second);
  CHECK_FALSE(first->duplicate);
  CHECK(second->duplicate);
  CHECK(second->job_id == first->job_id);
  // One row: kind, outcome, whether it names a backup, whether its object has bytes.
  CHECK(runs_after_one_job(w, ", backup_id IS NOT NULL, object_bytes > 0") == "backup success t t");
  CHECK(*w.db.exec("SELECT count(*) FROM audit_events WHERE action = 'backup' AND outcome = 'success'")[0][0] == "1");
  const std::string exposed = w.metrics.expose();
  CHECK(exposed.find("blazed_backup_newest_good_timestamp_seconds{target=\"eu\"}") != std::string::npos);
  CHECK(exposed.find("blazed_backup_last_object_bytes") != std::string::npos);

  queue::Handlers handlers;
  REQUIRE(bk::register_backup_jobs(handlers, *w.ctx));
  CHECK(run_coro(w.io, handlers.find(bk::kPruneJob)->handler(job_of(bk::kPruneJob, 100))).is_done());
  CHECK(run_coro(w.io, handlers.find(bk::kDrillJob)->handler(job_of(bk::kDrillJob, 101))).is_done());
  CHECK(*w.db.exec("SELECT string_agg(kind || ' ' || outcome, ',' ORDER BY id) FROM backup_runs")[0][0] ==
        "backup success,prune success,drill success");
  CHECK(*w.db.exec("SELECT count(*) FROM audit_events WHERE action = 'backup.drill' AND outcome = 'success'")[0][0] == "1");
  CHECK(w.metrics.expose().find("blazed_backup_drill_last_success 1") != std::string::npos);
}

TEST_CASE("two instances whose schedulers reach the backup's tick together make one backup", "[s3][pg][redis]") {
  JobWorld w({"k1"}, "k1");
  S3rver s3;
  w.clock.set(SystemClock::instance().now());  // the jobs sign their S3 requests with real time
  configure_targets(w, s3);
  w.db.exec("CREATE TABLE public.things (id int PRIMARY KEY); INSERT INTO public.things SELECT generate_series(1, 50);");
  // The schedulers' own clock, just before yesterday's 03:00 UTC tick of the backup schedule.
  const auto midnight = std::chrono::floor<std::chrono::days>(SystemClock::instance().now()) - std::chrono::days(1);
  ManualClock sched_clock(midnight + std::chrono::hours(2) + std::chrono::minutes(59));
  config::SchedulerConfig cfg;
  cfg.schedules = bk::backup_schedules();
  const auto compiled = schedule::compile_schedules(cfg).value();
  schedule::QueueJobSink sink_a(*w.redis, w.clock);
  schedule::QueueJobSink sink_b(*w.redis, w.clock);
  schedule::Scheduler::Options oa;
  oa.instance_id = "instance-a";
  schedule::Scheduler::Options ob;
  ob.instance_id = "instance-b";
  schedule::Scheduler a(*w.redis, sink_a, sched_clock, compiled, oa);
  schedule::Scheduler b(*w.redis, sink_b, sched_clock, compiled, ob);
  // First start anywhere: nothing fires.
  CHECK(run_coro(w.io, a.run_due()).value() + run_coro(w.io, b.run_due()).value() == 0);

  sched_clock.advance(std::chrono::minutes(2));  // 03:01: the tick is due on both
  auto pass_a = boost::asio::co_spawn(w.io, a.run_due(), boost::asio::use_future);
  auto pass_b = boost::asio::co_spawn(w.io, b.run_due(), boost::asio::use_future);
  REQUIRE(run_until(w.io, [&] {
    return pass_a.wait_for(std::chrono::seconds(0)) == std::future_status::ready &&
           pass_b.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }));
  CHECK(pass_a.get().value() + pass_b.get().value() == 1);
  CHECK(runs_after_one_job(w) == "backup success");
}

TEST_CASE("with no targets the backup duty's runs do nothing and backup.run refuses", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  queue::Handlers handlers;
  REQUIRE(bk::register_backup_jobs(handlers, *w.ctx));
  for (const char* type : {bk::kBackupJob, bk::kPruneJob, bk::kDrillJob})
    CHECK(run_coro(w.io, handlers.find(type)->handler(job_of(type, 1))).is_done());
  CHECK(*w.db.exec("SELECT count(*) FROM backup_runs")[0][0] == "0");
  REQUIRE_ERR(run_coro(w.io, bk::enqueue_backup(*w.ctx)), "backup_no_targets");
}

TEST_CASE("the duty's default schedules run in group backup", "[unit]") {
  auto schedules = bk::backup_schedules();
  REQUIRE(schedules.size() == 3);
  for (const auto& s : schedules) {
    CHECK(s.group == bk::kBackupGroup);
    CHECK(s.name == s.job);
  }
  CHECK(schedules[0].cron == "0 3 * * *");
}
