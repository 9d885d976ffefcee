// Owns the sync job's metrics: runs by data type and outcome, rows and pages stored,
// re-authorizations needed and LWA client alerts. No series per seller: the sellers' lag is
// summed up in jobs/sellers/seller_metrics.hpp.
#pragma once

#include "jobs/sync/sync_store.hpp"
#include "metrics/registry.hpp"

#include <cstdint>
#include <string_view>

namespace blazed::jobs::sync {

// Outcomes: success, deferred (rate limit: resumes later), failure, needs_reauth.
class SyncMetrics {
 public:
  explicit SyncMetrics(metrics::Registry& registry);

  void run(DataType type, std::string_view outcome);
  void page(DataType type, std::int64_t rows);
  void needs_reauth();
  void invalid_client();

 private:
  metrics::Family<metrics::Counter>& runs_;
  metrics::Family<metrics::Counter>& rows_;
  metrics::Family<metrics::Counter>& pages_;
  metrics::Family<metrics::Counter>& reauth_;
  metrics::Family<metrics::Counter>& invalid_client_;
};

}  // namespace blazed::jobs::sync
