// Owns the tests of the backup duty inside the daemon's machinery: backup.run enqueues one job
// (a second ask returns it), the real queue processor runs the backup, prune and drill job types
// against PostgreSQL, Redis and s3rver configured through backup.targets, each leaving its
// backup_runs row, audit event and metrics; with no targets the runs do nothing.
#include "backup/backup_fixture.hpp"
#include "jobs/backup/backup_duty.hpp"
#include "jobs/job_runner.hpp"
#include "jobs/job_world.hpp"
#include "queue/producer.hpp"

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
  {
    JobRunner runner(w, bk::kBackupQueue);
    runner.wait_reports(1);
  }
  // One row: kind, outcome, whether it names a backup, whether its object has bytes.
  CHECK(*w.db.exec("SELECT string_agg(concat_ws(' ', kind, outcome, backup_id IS NOT NULL, object_bytes > 0), ',') "
                   "FROM backup_runs")[0][0] == "backup success t t");
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
