// Owns reading lists of mappings (schedules, rate-limit plans): each item checked field by field,
// and a failure names the item and field ("[2].cron") and its line.
#pragma once

#include "config/config.hpp"
#include "config/values.hpp"

#include <vector>

namespace YAML {
class Node;
}

namespace blazed::config::values {

// Items with keys name, cron, job (required), zone, queue, payload (a mapping), group.
// Names, crons and zones are checked when the schedules are compiled (queue/scheduler.hpp).
ValueResult<std::vector<ScheduleConfig>> as_schedule_list(const YAML::Node& node);
// Items {operation, rate (0.000001..1000 per second), burst (1..1000000)}, all required.
ValueResult<std::vector<RateLimitPlanConfig>> as_plan_list(const YAML::Node& node);
// Items {name, bucket (required), region (required), endpoint, credentials (a secret reference),
// addressing (auto|path|virtual), prefix, allow_plain_http}.
ValueResult<std::vector<BackupTargetConfig>> as_backup_target_list(const YAML::Node& node);

}  // namespace blazed::config::values
