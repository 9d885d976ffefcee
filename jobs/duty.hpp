// Owns the shape of a duty's registration: what one folder under jobs/ hands the composition
// root (its job types, control commands, metrics, default schedules, background work, doc page).
// The composition root registers every duty in jobs/duties.cpp with one loop and knows nothing else
// of them.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "jobs/job_context.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <vector>

namespace blazed::control {
class CommandRegistry;
}
namespace blazed::schedule {
class JobSink;
}

namespace blazed::jobs {

// What a duty's background work may use besides the JobContext: the sink that enqueues jobs
// with unique keys and groups (the cron scheduler's).
struct DutyRuntime {
  JobContext& ctx;
  schedule::JobSink& sink;
};

// Every member but `name` and `doc` may be empty (each has `{}`, so a duty names only what it has
// in a designated initializer). Lifetime: the composition root keeps `ctx`
// (and so whatever the callbacks capture from it) until every part it registered is stopped.
struct Duty {
  std::string name;  // e.g. "sync"; also the folder under jobs/
  std::string doc;   // its page, relative to the repository root (e.g. "docs/sync.md")
  // Adds the duty's job types (handler and retry policy each) to the queue's handlers.
  std::function<Status(queue::Handlers&, JobContext&)> job_types{};
  // Registers its operator commands on the control socket.
  std::function<Status(control::CommandRegistry&, JobContext&)> commands{};
  // Registers its metrics (families and scrape-time callbacks) in ctx.metrics.
  std::function<void(JobContext&)> metrics{};
  // Cron schedules the duty wants by default; a configured schedule of the same name replaces
  // one (scheduler.schedules).
  std::vector<config::ScheduleConfig> schedules{};
  // Started once the processors run, cancelled at stop (e.g. the seller cadence, a start-up
  // check); it must return when its wait is cancelled.
  std::function<boost::asio::awaitable<void>(DutyRuntime)> background{};
};

// Every duty the daemon runs, in registration order (jobs/duties.cpp).
const std::vector<Duty>& duties();

// The configured schedules, then every duty's default schedule whose name none of them uses.
std::vector<config::ScheduleConfig> schedules_with_defaults(const std::vector<config::ScheduleConfig>& configured,
                                                            const std::vector<Duty>& all = duties());

}  // namespace blazed::jobs
