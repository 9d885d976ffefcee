// Owns the purge duty's metrics: the age of the oldest raw payload (what the 30-day promise is
// watched by), rows removed, and when a purge last finished.
#pragma once

#include "core/clock.hpp"
#include "jobs/purge/purge_run.hpp"
#include "metrics/registry.hpp"

#include <optional>

namespace blazed::jobs::purge {

inline constexpr const char* kOldestAgeMetric = "blazed_raw_payloads_oldest_age_seconds";
inline constexpr const char* kOldestTimeMetric = "blazed_raw_payloads_oldest_timestamp_seconds";
inline constexpr const char* kPurgedRowsMetric = "blazed_purge_rows_total";
inline constexpr const char* kLastPurgeMetric = "blazed_purge_last_success_timestamp_seconds";

class PurgeMetrics {
 public:
  // Registration is idempotent: the job type, the background refresh and the duty's metrics step
  // each build one over the same registry. `clock` must outlive the registry's scrapes.
  PurgeMetrics(metrics::Registry& registry, const Clock& clock);

  // The oldest raw payload's receipt time (nullopt: none; the age is then 0).
  void record_oldest(std::optional<Clock::time_point> oldest);
  // A finished run: rows by how they went (dropped with their day, deleted in batches).
  void record_run(const PurgeReport& report, Clock::time_point finished);

 private:
  metrics::GaugeFamily& oldest_;
  metrics::CounterFamily& rows_;
  metrics::GaugeFamily& last_success_;
};

}  // namespace blazed::jobs::purge
