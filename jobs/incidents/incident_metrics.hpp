// Owns the incidents' metrics: open incidents per severity, and notification deadlines near or
// past (labels bounded: four severities, two notices, two states).
#pragma once

#include "core/clock.hpp"
#include "jobs/incidents/incident_store.hpp"
#include "metrics/registry.hpp"

#include <vector>

namespace blazed::jobs::incidents {

inline constexpr const char* kOpenMetric = "blazed_incidents_open";
inline constexpr const char* kDeadlineMetric = "blazed_incident_notices_due";

class IncidentMetrics {
 public:
  // Registration is idempotent (the commands and the background pass each build one).
  explicit IncidentMetrics(metrics::Registry& registry);

  // Sets every series from the open incidents as of `now`.
  void record_open(const std::vector<Incident>& open, Clock::time_point now);

 private:
  metrics::GaugeFamily& open_;
  metrics::GaugeFamily& due_;
};

}  // namespace blazed::jobs::incidents
