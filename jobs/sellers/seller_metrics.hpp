// Owns the seller metrics: sellers per status and, per data type, the distribution and the oldest
// of the active sellers' sync lag, all refreshed from one aggregate query and the same size
// whatever the number of sellers (no series per seller).
#pragma once

#include "core/error.hpp"
#include "jobs/duty.hpp"
#include "jobs/sellers/sellers_store.hpp"
#include "metrics/registry.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <vector>

namespace blazed::jobs::sellers {

// The lag distribution's upper bounds, in seconds: from a minute to a week.
const std::vector<double>& lag_bounds();

// How stale the seller metrics may be: one aggregate query per interval, however often they are
// scraped (a scrape reads the last values and never touches PostgreSQL).
inline constexpr std::chrono::seconds kSellerMetricsRefresh{30};

// Registers:
//   blazed_sellers{status}                          sellers per status
//   blazed_sync_lag_sellers{data_type,le}           active sellers whose cursor lag is <= le seconds
//                                                   (cumulative, le="+Inf" = all with a cursor)
//   blazed_sync_never_synced_sellers{data_type}     active sellers with no cursor of that data type
//   blazed_sync_oldest_lag_seconds{data_type}       the largest cursor lag among active sellers
// Every known status and data type is exposed from the start (0 until counted).
class SellerMetrics {
 public:
  explicit SellerMetrics(metrics::Registry& registry);

  // Sets every series from `summary`; a status or data type absent from it goes back to 0.
  void update(const FleetSummary& summary);
  // Reads the summary (now from `ctx.clock`) and updates.
  boost::asio::awaitable<Status> refresh(JobContext& ctx);

 private:
  metrics::GaugeFamily& sellers_;
  metrics::GaugeFamily& lag_;
  metrics::GaugeFamily& never_;
  metrics::GaugeFamily& oldest_;
};

// The sellers duty's background work: refresh every kSellerMetricsRefresh until cancelled.
boost::asio::awaitable<void> run_seller_metrics(DutyRuntime rt);

}  // namespace blazed::jobs::sellers
