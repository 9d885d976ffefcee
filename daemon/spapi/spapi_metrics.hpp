// Owns the SP-API client's metrics: requests by operation and status, throttled requests, request
// latency, and LWA token refreshes. Labels are bounded: operation names come from code, statuses
// are HTTP codes; never a seller, a token or a body.
#pragma once

#include "core/clock.hpp"
#include "metrics/registry.hpp"

#include <string_view>

namespace blazed::spapi {

inline constexpr const char* kRequestsMetric = "blazed_spapi_requests_total";
inline constexpr const char* kThrottledMetric = "blazed_spapi_throttled_total";
inline constexpr const char* kRequestDurationMetric = "blazed_spapi_request_duration_seconds";
inline constexpr const char* kLwaRefreshesMetric = "blazed_lwa_refreshes_total";

// Registers the families at construction (so they are scraped before the first request).
// Thread-safe (the families are).
class SpApiMetrics {
 public:
  explicit SpApiMetrics(metrics::Registry& registry);

  // One HTTP request to the SP-API: `status` 0 when no response came (a transport error).
  void request(std::string_view operation, unsigned status, Clock::duration took);
  // One refresh-token exchange sent to LWA, and whether it gave an access token.
  void refresh(bool ok);

 private:
  metrics::CounterFamily& requests_;
  metrics::CounterFamily& throttled_;
  metrics::HistogramFamily& duration_;
  metrics::CounterFamily& refreshes_;
};

}  // namespace blazed::spapi
