// Owns the backup duty's metrics: the RPO (the newest good backup per target), the last
// backup's duration, size and throughput, the last drill's result and duration (RTO), and each
// target's region compliance.
#pragma once

#include "core/clock.hpp"
#include "jobs/backup/inventory.hpp"
#include "jobs/backup/targets.hpp"
#include "metrics/registry.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

namespace blazed::jobs::backup {

inline constexpr const char* kNewestGoodMetric = "blazed_backup_newest_good_timestamp_seconds";
inline constexpr const char* kRegionOkMetric = "blazed_backup_target_off_site";

class BackupMetrics {
 public:
  // Registration is idempotent: handlers and commands each build one over the same registry.
  explicit BackupMetrics(metrics::Registry& registry);

  // Per target: the finish time of the newest good backup (absent targets get none).
  void record_inventory(const Inventory& inventory);
  void record_backup(bool success, std::chrono::milliseconds duration, std::uint64_t object_bytes,
                     Clock::time_point finished);
  void record_drill(bool success, std::chrono::milliseconds duration, Clock::time_point finished);
  // Per target: 1 when its region line is ok (off-site from backup.primary_region), else 0.
  void record_regions(const std::vector<RegionCheck>& lines);

 private:
  metrics::GaugeFamily& newest_good_;
  metrics::GaugeFamily& last_duration_;
  metrics::GaugeFamily& last_bytes_;
  metrics::GaugeFamily& last_throughput_;
  metrics::GaugeFamily& last_success_;
  metrics::GaugeFamily& last_failure_;
  metrics::GaugeFamily& drill_result_;
  metrics::GaugeFamily& drill_duration_;
  metrics::GaugeFamily& drill_time_;
  metrics::GaugeFamily& region_ok_;
};

}  // namespace blazed::jobs::backup
