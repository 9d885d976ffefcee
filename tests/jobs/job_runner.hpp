// Owns JobRunner: a real queue Processor over a JobWorld's Redis, running every registered job
// type on one queue and keeping the report of each settled run, for job-type tests.
#pragma once

#include "harness/catch_result.hpp"
#include "jobs/job_world.hpp"
#include "queue/handlers.hpp"
#include "queue/processor.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

namespace blazed::testing {

struct JobRunner {
  JobWorld& w;
  redis::RedisClient waiter;
  queue::Handlers handlers;
  std::unique_ptr<queue::Processor> processor;
  std::vector<queue::RunReport> reports;

  JobRunner(JobWorld& world, const std::string& queue)
      : w(world), waiter(world.io.get_executor(), world.redis_server.config()) {
    waiter.start();
    REQUIRE(run_coro(w.io, waiter.wait_connected(std::chrono::seconds(10))));
    REQUIRE(jobs::register_job_types(handlers, *w.ctx));
    queue::ProcessorOptions o;
    // The world's clock is manual: no lease renewal is needed while it stands still.
    o.heartbeat_interval = std::chrono::hours(1);
    o.lease_clock.manual = &w.clock;
    processor = std::make_unique<queue::Processor>(*w.redis, waiter, queue::QueueKeys::make(queue).value(),
                                                   handlers, o, w.clock);
    processor->on_report([this](const queue::RunReport& r) { reports.push_back(r); });
    processor->start();
  }
  ~JobRunner() {
    run_coro(w.io, processor->stop(std::chrono::seconds(5)));
    waiter.stop();
  }
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void wait_reports(std::size_t n) {
    REQUIRE(run_until(w.io, [&] { return reports.size() >= n; }));
  }
};

}  // namespace blazed::testing
