// Owns the backup duty's metrics (see backup_metrics.hpp).
#include "jobs/backup/backup_metrics.hpp"

namespace blazed::jobs::backup {

namespace {
double unix_seconds(Clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}
double seconds(std::chrono::milliseconds d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

BackupMetrics::BackupMetrics(metrics::Registry& r)
    : newest_good_(r.gauge(kNewestGoodMetric,
                           "Finish time (Unix seconds) of the newest backup good on every target, by target "
                           "(RPO: alert when time() minus this passes 26 h)",
                           {"target"})),
      last_duration_(r.gauge("blazed_backup_last_duration_seconds", "Wall time of the last successful backup")),
      last_bytes_(r.gauge("blazed_backup_last_object_bytes", "Object size of the last successful backup")),
      last_throughput_(r.gauge("blazed_backup_last_throughput_bytes_per_second",
                               "Object bytes per second of the last successful backup")),
      last_success_(r.gauge("blazed_backup_last_success_timestamp_seconds",
                            "When a backup last succeeded on this instance (Unix seconds)")),
      last_failure_(r.gauge("blazed_backup_last_failure_timestamp_seconds",
                            "When a backup last failed on this instance (Unix seconds)")),
      drill_result_(r.gauge("blazed_backup_drill_last_success", "1 when the last restore drill passed, 0 when it failed")),
      drill_duration_(r.gauge("blazed_backup_drill_last_duration_seconds",
                              "Restore and check time of the last drill (RTO evidence)")),
      drill_time_(r.gauge("blazed_backup_drill_last_timestamp_seconds", "When the last restore drill ended")),
      region_ok_(r.gauge(kRegionOkMetric,
                         "1 when a backup target is off-site (its region is not backup.primary_region, "
                         "which is set), 0 when it fails that compliance line",
                         {"target"})) {}

void BackupMetrics::record_inventory(const Inventory& inventory) {
  if (inventory.good.empty()) return;
  const auto& newest = inventory.manifests.at(inventory.good.front());
  for (const auto& [target, entries] : inventory.holdings)
    newest_good_.with({target}).set(unix_seconds(newest.finished_at));
}

void BackupMetrics::record_backup(bool success, std::chrono::milliseconds duration, std::uint64_t object_bytes,
                                  Clock::time_point finished) {
  if (!success) {
    last_failure_.with({}).set(unix_seconds(finished));
    return;
  }
  last_success_.with({}).set(unix_seconds(finished));
  last_duration_.with({}).set(seconds(duration));
  last_bytes_.with({}).set(static_cast<double>(object_bytes));
  if (duration.count() > 0)
    last_throughput_.with({}).set(static_cast<double>(object_bytes) / seconds(duration));
}

void BackupMetrics::record_drill(bool success, std::chrono::milliseconds duration, Clock::time_point finished) {
  drill_result_.with({}).set(success ? 1 : 0);
  if (success) drill_duration_.with({}).set(seconds(duration));
  drill_time_.with({}).set(unix_seconds(finished));
}

void BackupMetrics::record_regions(const std::vector<RegionCheck>& lines) {
  for (const auto& line : lines) region_ok_.with({line.target}).set(line.ok ? 1 : 0);
}

}  // namespace blazed::jobs::backup
