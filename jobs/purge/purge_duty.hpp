// Owns the declaration of the PII purge duty's registration (purge_duty.cpp).
#pragma once

#include "jobs/duty.hpp"

#include <vector>

namespace blazed::jobs::purge {

// The pii_purge job type, the purge.run command, the metrics, the default schedule (pii_purge
// daily at 02:15 UTC) and the background work: raw_payloads partitions made for today and the
// week ahead, and the oldest payload's age read, at start and every hour.
Duty purge_duty();

std::vector<config::ScheduleConfig> purge_schedules();

}  // namespace blazed::jobs::purge
