// Owns the sync job's metrics: runs by data type and outcome, rows and pages stored, the cursor
// lag per seller, re-authorizations needed and LWA client alerts.
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
  // Seconds between now and the seller's cursor (how stale the stored data may be).
  void lag(std::int64_t seller_id, DataType type, double seconds);
  void needs_reauth();
  void invalid_client();

 private:
  metrics::Family<metrics::Counter>& runs_;
  metrics::Family<metrics::Counter>& rows_;
  metrics::Family<metrics::Counter>& pages_;
  metrics::Family<metrics::Gauge>& lag_;
  metrics::Family<metrics::Counter>& reauth_;
  metrics::Family<metrics::Counter>& invalid_client_;
};

}  // namespace blazed::jobs::sync
