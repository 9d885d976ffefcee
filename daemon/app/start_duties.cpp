// Owns wiring the duties into the daemon: for each duty of jobs/duties.cpp, its control commands,
// its metrics and its background work (job types are registered with the processors in
// start_work.cpp).
#include "jobs/duty.hpp"
#include "app/parts.hpp"

namespace blazed::app {

Status start_duties(Parts& p) {
  for (const auto& duty : jobs::duties()) {
    if (duty.commands)
      if (auto st = duty.commands(p.commands, *p.job_context); !st) return st;
    if (duty.metrics) duty.metrics(*p.job_context);
    if (duty.background)
      p.run_background(duty.name + " background work",
                       duty.background(jobs::DutyRuntime{*p.job_context, *p.job_sink}));
  }
  return {};
}

}  // namespace blazed::app
