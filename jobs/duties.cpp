// Owns the list of duties the daemon runs: one line per duty, each registered by its own folder.
#include "jobs/audit/audit_duty.hpp"
#include "jobs/backup/backup_duty.hpp"
#include "jobs/compliance/compliance_duty.hpp"
#include "jobs/deletion/deletion_duty.hpp"
#include "jobs/duty.hpp"
#include "jobs/incidents/incidents_duty.hpp"
#include "jobs/keys/keys_duty.hpp"
#include "jobs/purge/purge_duty.hpp"
#include "jobs/queue_probe/queue_probe_duty.hpp"
#include "jobs/sellers/sellers_duty.hpp"
#include "jobs/sync/sync_duty.hpp"
#include "jobs/webhooks/webhooks_duty.hpp"

#include "metrics/registry.hpp"
#include "queue/handlers.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <set>
#include <string>

namespace blazed::jobs {

const std::vector<Duty>& duties() {
  // Duties register here, one line each: <duty>_duty() from jobs/<duty>/<duty>_duty.hpp.
  static const std::vector<Duty> all{
      sellers::sellers_duty(),
      keys_duty(),
      sync::sync_duty(),
      queue_probe_duty(),
      backup::backup_duty(),
      purge::purge_duty(),
      deletion::deletion_duty(),
      audit::audit_duty(),
      webhooks::webhooks_duty(),
      incidents::incidents_duty(),
      compliance::compliance_duty(),
  };
  return all;
}

namespace {

// Runs `handler`; when it returns done, sets the duty's series of `last_success` to now (created
// then, so that a duty that never succeeded has no series rather than a 1970 one). Everything is
// a parameter, kept in the coroutine's frame for the run.
boost::asio::awaitable<queue::HandlerOutcome> run_recording_success(queue::Handler handler,
                                                                    metrics::GaugeFamily& last_success,
                                                                    std::string duty, const Clock& clock,
                                                                    const queue::Job& job) {
  queue::HandlerOutcome outcome = co_await handler(job);
  if (outcome.is_done())
    last_success.with({duty}).set(std::chrono::duration<double>(clock.now().time_since_epoch()).count());
  co_return outcome;
}

}  // namespace

Status register_job_types(queue::Handlers& handlers, JobContext& ctx) {
  // Here rather than in each handler: every job type of a duty reports its success alike.
  auto& last_success = ctx.metrics.gauge(
      kDutyLastSuccessMetric, "Unix time at which a job of the duty last returned done on this instance",
      {"duty"});
  for (const auto& duty : duties()) {
    if (!duty.job_types) continue;
    queue::Handlers own;
    if (auto st = duty.job_types(own, ctx); !st) return st;
    own.for_each([&](const std::string& type, const queue::JobType& job_type) {
      queue::JobType wrapped = job_type;
      wrapped.handler = [handler = job_type.handler, &last_success, name = duty.name,
                         &clock = ctx.clock](const queue::Job& job) {
        return run_recording_success(handler, last_success, name, clock, job);
      };
      handlers.add(type, std::move(wrapped));
    });
  }
  return {};
}

std::vector<config::ScheduleConfig> schedules_with_defaults(const std::vector<config::ScheduleConfig>& configured,
                                                            const std::vector<Duty>& all) {
  std::vector<config::ScheduleConfig> out = configured;
  std::set<std::string> names;
  for (const auto& s : configured) names.insert(s.name);
  for (const auto& duty : all)
    for (const auto& s : duty.schedules)
      if (names.insert(s.name).second) out.push_back(s);
  return out;
}

}  // namespace blazed::jobs
