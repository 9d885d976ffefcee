// Owns the multi-instance drill (end to end): three real blazed processes share one Redis
// and one PostgreSQL database; 10,000 queue_probe jobs (each recording its run in queue_probe_runs)
// are enqueued and one daemon is SIGKILLed while it has runs in flight. Every job must be recorded
// as finished, re-runs must be confined to jobs the killed daemon held, and every tick of an
// `@every 1s` schedule that all three run must be enqueued as exactly one job.
#include "harness/catch_result.hpp"
#include "harness/daemon_env.hpp"
#include "harness/daemon_process.hpp"
#include "harness/eventually.hpp"
#include "harness/run_coro.hpp"
#include "jobs/queue_probe/queue_probe_job.hpp"
#include "queue/keys.hpp"
#include "queue/producer.hpp"
#include "redis/client.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <map>
#include <memory>
#include <set>

using namespace blazed;
using namespace blazed::testing;
using namespace std::chrono_literals;

namespace {

constexpr int kJobs = 10'000;
constexpr int kBatch = 1'000;
constexpr int kConcurrency = 16;
constexpr const char* kQueue = "default";
// 20 ms per run keeps each daemon's slots busy, so the kill lands on runs in flight.
constexpr const char* kPayload = R"({"hold_ms": 20})";

// Short lease and fast recovery so the killed daemon's jobs come back within seconds; the
// heartbeat renews six times per lease, leaving a loaded machine plenty of slack. A fence
// abandoned by the killed daemon is taken over after 5 s instead of a minute.
std::string instance_yaml() {
  return "queue:\n  concurrency: " + std::to_string(kConcurrency) +
         "\n  lease: 3s\n  heartbeat_interval: 500ms\n  recover_interval: 500ms\n"
         "  forward_interval: 100ms\n"
         "scheduler:\n  fence_ttl: 5s\n"
         "schedules:\n  - name: probe\n    cron: \"@every 1s\"\n    job: queue_probe\n"
         "shutdown:\n  deadline: 15s\n";
}

std::int64_t count(const PgDatabase& db, const std::string& sql) { return std::stoll(*db.exec(sql)[0][0]); }

// Enqueues the drill's jobs straight into the queue (as any producer would); returns their ids.
std::set<std::int64_t> enqueue_probes(RedisServer& redis) {
  boost::asio::io_context io;
  redis::RedisClient client(io.get_executor(), redis.config());
  client.start();
  REQUIRE(run_coro(io, client.wait_connected(10s)));
  SystemClock clock;
  queue::Producer producer(client, queue::QueueKeys::make(kQueue).value(), clock);
  std::set<std::int64_t> ids;
  const std::vector<queue::NewJob> batch(kBatch, queue::NewJob{jobs::kQueueProbeJob, kPayload, {}});
  for (int done = 0; done < kJobs; done += kBatch) {
    auto queued = run_coro(io, producer.enqueue_batch(batch));
    REQUIRE(queued);
    for (const auto& q : *queued) ids.insert(q.id);
  }
  client.stop();
  REQUIRE(ids.size() == static_cast<std::size_t>(kJobs));
  return ids;
}

struct ProbeRun {
  std::int64_t job_id = 0;
  std::string unique_key;  // empty: NULL
  int attempt = 0;
  std::string instance;
  bool finished = false;
};

// Every run, in insertion order (a re-run's row always comes after the rows of earlier runs).
std::map<std::int64_t, std::vector<ProbeRun>> runs_by_job(const PgDatabase& db) {
  std::map<std::int64_t, std::vector<ProbeRun>> out;
  for (const auto& r : db.exec("SELECT job_id, unique_key, attempt, instance_id, finished_at IS NOT NULL "
                               "FROM queue_probe_runs ORDER BY id")) {
    ProbeRun run{std::stoll(*r[0]), r[1].value_or(""), std::stoi(*r[2]), *r[3], *r[4] == "t"};
    out[run.job_id].push_back(run);
  }
  return out;
}

}  // namespace

TEST_CASE("three daemons, one SIGKILLed mid-run: every probe job finished, re-runs only where interrupted, "
          "each cron tick once", "[e2e][redis][pg]") {
  DaemonEnv env;
  std::vector<DaemonInstance> instances;
  std::vector<std::unique_ptr<DaemonProcess>> daemons;
  for (const char* id : {"node-1", "node-2", "node-3"}) {
    instances.push_back(env.add_instance(id, instance_yaml()));
    daemons.push_back(std::make_unique<DaemonProcess>(
        kBlazedBinary, std::vector<std::string>{"--config", instances.back().config.string()},
        instances.back().dir));
  }
  for (std::size_t i = 0; i < daemons.size(); ++i) {
    INFO(instances[i].id << " output:\n" << daemons[i]->output());
    REQUIRE(daemons[i]->wait_for_notify("READY=1", 120s));
  }
  const auto& db = env.db();

  const auto ids = enqueue_probes(env.redis());
  const std::string drill_runs = "FROM queue_probe_runs WHERE unique_key IS NULL";

  // Some thousands done: kill the daemon with the most runs in flight (rows not finished yet).
  const std::string finished_runs = "SELECT count(*) " + drill_runs + " AND finished_at IS NOT NULL";
  REQUIRE(eventually([&] { return count(db, finished_runs) >= 3'000; }, 600s));
  std::size_t victim = daemons.size();
  REQUIRE(eventually(
      [&] {
        auto busiest = db.exec("SELECT instance_id FROM queue_probe_runs WHERE finished_at IS NULL "
                               "GROUP BY instance_id ORDER BY count(*) DESC LIMIT 1");
        if (busiest.empty()) return false;
        for (std::size_t i = 0; i < instances.size(); ++i)
          if (instances[i].id == *busiest[0][0]) victim = i;
        return victim < daemons.size();
      },
      120s));
  daemons[victim]->signal(SIGKILL);
  REQUIRE(daemons[victim]->wait_exit(30s) == -SIGKILL);
  const std::string killed = instances[victim].id;
  INFO("killed " << killed);
  const auto finished_at_kill = count(db, finished_runs);

  // The survivors finish everything, the killed daemon's jobs once their leases expire.
  const std::string finished_jobs = "SELECT count(DISTINCT job_id) " + drill_runs + " AND finished_at IS NOT NULL";
  REQUIRE(eventually([&] { return count(db, finished_jobs) == kJobs; }, 900s));
  // The cron keeps firing with two instances left: wait for three more ticks to be run.
  const std::string ticks_run = "SELECT count(DISTINCT unique_key) FROM queue_probe_runs "
                                "WHERE unique_key LIKE 'schedule:probe:%' AND finished_at IS NOT NULL";
  const auto ticks_at_end = count(db, ticks_run);
  REQUIRE(eventually([&] { return count(db, ticks_run) >= ticks_at_end + 3; }, 120s));

  for (std::size_t i = 0; i < daemons.size(); ++i) {
    if (i == victim) continue;
    daemons[i]->signal(SIGTERM);
  }
  for (std::size_t i = 0; i < daemons.size(); ++i) {
    if (i == victim) continue;
    INFO(instances[i].id << " output:\n" << daemons[i]->output());
    CHECK(daemons[i]->wait_exit(60s) == 0);
  }

  // From here on the table no longer changes.
  const auto runs = runs_by_job(db);
  std::size_t rerun = 0;            // jobs run more than once
  std::size_t interrupted = 0;      // ... whose killed run never finished
  std::size_t ack_lost = 0;         // ... whose killed run finished, but the kill lost its ack
  std::size_t claimed_unstarted = 0;  // jobs the killed daemon claimed but never started
  std::map<std::string, std::set<std::int64_t>> jobs_by_tick;
  for (const auto& [job_id, job_runs] : runs) {
    INFO("job " << job_id << " with " << job_runs.size() << " runs");
    const bool drill = ids.count(job_id) != 0;
    CHECK((drill ? job_runs.front().unique_key.empty() : job_runs.front().unique_key.starts_with("schedule:probe:")));
    for (std::size_t i = 1; i < job_runs.size(); ++i) {
      CHECK(job_runs[i].unique_key == job_runs[0].unique_key);
      // Recovered runs count as attempts: each run of a job has a higher attempt than the last.
      CHECK(job_runs[i].attempt > job_runs[i - 1].attempt);
    }
    if (!drill) jobs_by_tick[job_runs.front().unique_key].insert(job_id);
    if (job_runs.size() > 1) {
      ++rerun;
      // Re-runs only for jobs the killed daemon held: every run but the last is the killed one's.
      for (std::size_t i = 0; i + 1 < job_runs.size(); ++i) CHECK(job_runs[i].instance == killed);
      CHECK(job_runs.back().instance != killed);
      (job_runs.front().finished ? ack_lost : interrupted) += 1;
    } else if (job_runs.front().attempt > 1) {
      // Recovered without a row of the killed daemon: its claim's reply was lost with it.
      ++claimed_unstarted;
      CHECK(job_runs.front().instance != killed);
    }
    if (!drill) continue;
    // Every drill job finished, by one run; a second finished run only after a killed run
    // whose ack the kill lost (at-least-once: the queue cannot know that run had finished).
    const auto finished = std::count_if(job_runs.begin(), job_runs.end(), [](const auto& r) { return r.finished; });
    const bool killed_after_finish = job_runs.size() > 1 && job_runs.front().finished;
    CHECK(job_runs.back().finished);
    CHECK(finished == (killed_after_finish ? 2 : 1));
  }
  // Every enqueued job has a row, and no row belongs to a job nobody enqueued.
  std::size_t drill_jobs = 0;
  for (const auto& [job_id, job_runs] : runs) drill_jobs += ids.count(job_id);
  CHECK(drill_jobs == ids.size());
  CHECK(count(db, "SELECT count(DISTINCT job_id) " + drill_runs) == kJobs);

  // The kill interrupted something, and no more than the killed daemon could hold at once: its
  // worker slots bound the jobs it had claimed and not yet acked.
  CAPTURE(finished_at_kill, rerun, interrupted, ack_lost, claimed_unstarted, jobs_by_tick.size());
  CHECK(interrupted >= 1);
  CHECK(rerun + claimed_unstarted <= static_cast<std::size_t>(kConcurrency));

  // Each tick enqueued as exactly one job (its unique key), and no job stood for two ticks.
  CHECK(jobs_by_tick.size() >= 3);
  std::set<std::int64_t> tick_jobs;
  for (const auto& [tick, job_ids] : jobs_by_tick) {
    INFO("tick " << tick);
    CHECK(job_ids.size() == 1);
    // `@every 1s`: ticks are whole seconds since the epoch.
    CHECK(std::stoll(tick.substr(std::string("schedule:probe:").size())) % 1000 == 0);
    tick_jobs.insert(job_ids.begin(), job_ids.end());
  }
  CHECK(tick_jobs.size() == jobs_by_tick.size());
  CHECK(count(db, "SELECT count(*) FROM (SELECT unique_key FROM queue_probe_runs WHERE unique_key IS NOT NULL "
                  "GROUP BY unique_key HAVING count(DISTINCT job_id) > 1) t") == 0);
  WARN("queue_probe drill: killed " << killed << " with " << finished_at_kill << " jobs finished; " << rerun
       << " jobs re-run (" << interrupted << " interrupted, " << ack_lost << " acks lost), " << claimed_unstarted
       << " claimed but not started; " << jobs_by_tick.size() << " cron ticks, one job each");
}
