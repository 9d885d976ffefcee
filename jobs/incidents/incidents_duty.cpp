// Owns the incidents duty's registration (see incidents_duty.hpp).
#include "jobs/incidents/incidents_duty.hpp"

#include "core/log.hpp"
#include "core/log_failure.hpp"
#include "jobs/incidents/incident_commands.hpp"
#include "jobs/incidents/incident_metrics.hpp"
#include "jobs/repeat.hpp"

namespace blazed::jobs::incidents {

namespace asio = boost::asio;

namespace {

constexpr std::chrono::minutes kMetricsInterval{1};

asio::awaitable<void> refresh(JobContext& ctx) {
  if (auto st = co_await refresh_incident_metrics(ctx); !st)
    log::failure(log::Logger("incidents"), "refreshing the incident metrics failed", st.error());
}

}  // namespace

Duty incidents_duty() {
  return {.name = "incidents",
          .doc = "docs/incidents.md",
          .commands = register_incident_commands,
          .metrics = [](JobContext& ctx) { IncidentMetrics metrics(ctx.metrics); },
          .background = [](DutyRuntime rt) {
            return repeat_every(rt.ctx.clock, kMetricsInterval, [&ctx = rt.ctx] { return refresh(ctx); });
          }};
}

}  // namespace blazed::jobs::incidents
