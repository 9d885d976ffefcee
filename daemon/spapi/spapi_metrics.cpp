// Owns the SP-API client's metrics (see spapi_metrics.hpp).
#include "spapi/spapi_metrics.hpp"

#include <chrono>
#include <string>

namespace blazed::spapi {

SpApiMetrics::SpApiMetrics(metrics::Registry& r)
    : requests_(r.counter(kRequestsMetric,
                          "SP-API HTTP requests by operation and status (status none: no response)",
                          {"operation", "status"})),
      throttled_(r.counter(kThrottledMetric, "SP-API requests answered 429 (throttled), by operation",
                           {"operation"})),
      duration_(r.histogram(kRequestDurationMetric,
                            "Time from sending an SP-API request to its response or failure",
                            metrics::default_duration_buckets(), {"operation"})),
      refreshes_(r.counter(kLwaRefreshesMetric,
                           "LWA refresh-token exchanges by result (ok, failed)", {"result"})) {}

void SpApiMetrics::request(std::string_view operation, unsigned status, Clock::duration took) {
  const std::string op(operation);
  requests_.with({op, status == 0 ? std::string("none") : std::to_string(status)}).inc();
  if (status == 429) throttled_.with({op}).inc();
  duration_.with({op}).observe(std::chrono::duration<double>(took).count());
}

void SpApiMetrics::refresh(bool ok) { refreshes_.with({ok ? "ok" : "failed"}).inc(); }

}  // namespace blazed::spapi
