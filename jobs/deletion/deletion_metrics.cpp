// Owns the account deletion's metrics (see deletion_metrics.hpp).
#include "jobs/deletion/deletion_metrics.hpp"

namespace blazed::jobs::deletion {

DeletionMetrics::DeletionMetrics(metrics::Registry& r)
    : pending_(r.gauge(kPendingMetric, "Account deletions requested and not completed")),
      overdue_(r.gauge(kOverdueMetric,
                       "Account deletions not completed within 7 business days of the request (alert above 0)")),
      completed_(r.counter(kCompletedMetric, "Account deletions completed by this instance")) {}

void DeletionMetrics::record_open(std::int64_t pending, std::int64_t overdue) {
  pending_.get().set(static_cast<double>(pending));
  overdue_.get().set(static_cast<double>(overdue));
}

void DeletionMetrics::record_completed() { completed_.get().inc(); }

}  // namespace blazed::jobs::deletion
