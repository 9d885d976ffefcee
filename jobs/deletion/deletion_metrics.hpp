// Owns the account deletion's metrics: open requests, those past their 7-business-day deadline,
// and deletions completed.
#pragma once

#include "metrics/registry.hpp"

#include <cstdint>

namespace blazed::jobs::deletion {

inline constexpr const char* kPendingMetric = "blazed_deletions_pending";
inline constexpr const char* kOverdueMetric = "blazed_deletions_overdue";
inline constexpr const char* kCompletedMetric = "blazed_deletions_completed_total";

class DeletionMetrics {
 public:
  // Registration is idempotent (the job, the commands and the background each build one).
  explicit DeletionMetrics(metrics::Registry& registry);

  void record_open(std::int64_t pending, std::int64_t overdue);
  void record_completed();

 private:
  metrics::GaugeFamily& pending_;
  metrics::GaugeFamily& overdue_;
  metrics::CounterFamily& completed_;
};

}  // namespace blazed::jobs::deletion
