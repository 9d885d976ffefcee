// Owns the purge duty's metrics (see purge_metrics.hpp).
#include "jobs/purge/purge_metrics.hpp"

namespace blazed::jobs::purge {

namespace {
double unix_seconds(Clock::time_point t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }
}  // namespace

PurgeMetrics::PurgeMetrics(metrics::Registry& r, const Clock& clock)
    : oldest_(r.gauge(kOldestTimeMetric, "Receipt time (Unix seconds) of the oldest raw SP-API page kept; 0 when none")),
      rows_(r.counter(kPurgedRowsMetric, "Raw SP-API pages purged, by how: dropped (a whole day) or deleted (in batches)",
                      {"how"})),
      last_success_(r.gauge(kLastPurgeMetric, "Unix time at which a PII purge last finished")) {
  auto& oldest = oldest_.get();
  r.callback_gauge(kOldestAgeMetric,
                   "Age in seconds of the oldest raw SP-API page kept (0 when none); alert above the retention "
                   "plus a day",
                   [&oldest, &clock]() {
                     const double t = oldest.value();
                     if (t <= 0) return 0.0;
                     return std::max(0.0, unix_seconds(clock.now()) - t);
                   });
}

void PurgeMetrics::record_oldest(std::optional<Clock::time_point> oldest) {
  oldest_.get().set(oldest ? unix_seconds(*oldest) : 0.0);
}

void PurgeMetrics::record_run(const PurgeReport& report, Clock::time_point finished) {
  rows_.with({"dropped"}).inc(static_cast<double>(report.dropped_rows));
  rows_.with({"deleted"}).inc(static_cast<double>(report.deleted_rows));
  last_success_.get().set(unix_seconds(finished));
}

}  // namespace blazed::jobs::purge
