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

#include <set>

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

Status register_job_types(queue::Handlers& handlers, JobContext& ctx) {
  for (const auto& duty : duties()) {
    if (!duty.job_types) continue;
    if (auto st = duty.job_types(handlers, ctx); !st) return st;
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
