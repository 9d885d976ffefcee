// Owns the sync job's metric families (names and help in one place).
#include "jobs/sync/sync_metrics.hpp"

#include "metrics/registry.hpp"

#include <string>

namespace blazed::jobs::sync {

SyncMetrics::SyncMetrics(metrics::Registry& r)
    : runs_(r.counter("blazed_sync_runs_total", "Seller sync runs by data type and outcome",
                      {"data_type", "outcome"})),
      rows_(r.counter("blazed_sync_rows_total", "Rows upserted by the seller sync", {"data_type"})),
      pages_(r.counter("blazed_sync_pages_total", "SP-API pages stored by the seller sync", {"data_type"})),
      reauth_(r.counter("blazed_sync_needs_reauth_total",
                        "Sellers whose refresh token LWA refused (invalid_grant)")),
      invalid_client_(r.counter("blazed_spapi_invalid_client_total",
                                "LWA refused the app's client credentials (invalid_client)")) {}

void SyncMetrics::run(DataType type, std::string_view outcome) {
  runs_.with({std::string(data_type_name(type)), std::string(outcome)}).inc();
}

void SyncMetrics::page(DataType type, std::int64_t rows) {
  pages_.with({std::string(data_type_name(type))}).inc();
  rows_.with({std::string(data_type_name(type))}).inc(static_cast<double>(rows));
}

void SyncMetrics::needs_reauth() { reauth_.get().inc(); }
void SyncMetrics::invalid_client() { invalid_client_.get().inc(); }

}  // namespace blazed::jobs::sync
