// Owns the seller metrics (see seller_metrics.hpp): their families, their update from the fleet
// summary and the loop that refreshes them.
#include "jobs/sellers/seller_metrics.hpp"

#include "core/log.hpp"
#include "core/log_failure.hpp"
#include "metrics/exposition.hpp"
#include "pg/pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <limits>
#include <string>

namespace blazed::jobs::sellers {

namespace asio = boost::asio;

namespace {

// The statuses and data types the schema allows (CHECK constraints of sellers.status and
// sync_state.data_type): exposed from the start so that the exposition keeps one size.
const std::vector<std::string> kStatuses = {"active", "deleting", "disconnected", "needs_reauth"};
const std::vector<std::string> kDataTypes = {"orders", "transactions"};

std::string le(double bound) {
  std::string out;
  metrics::text::append_value(out, bound);
  return out;
}

// The value of `name` in `pairs`, 0 when absent.
std::int64_t count_of(const std::vector<std::pair<std::string, std::int64_t>>& pairs, const std::string& name) {
  auto it = std::find_if(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == name; });
  return it == pairs.end() ? 0 : it->second;
}

}  // namespace

const std::vector<double>& lag_bounds() {
  static const std::vector<double> bounds = {60,    300,   900,    1800,   3600,  7200,
                                             21600, 43200, 86400,  172800, 259200, 604800};
  return bounds;
}

SellerMetrics::SellerMetrics(metrics::Registry& r)
    : sellers_(r.gauge("blazed_sellers", "Sellers per status (refreshed periodically)", {"status"})),
      lag_(r.gauge("blazed_sync_lag_sellers",
                   "Active sellers whose sync cursor lag is at most le seconds (cumulative, refreshed periodically)",
                   {"data_type", "le"})),
      never_(r.gauge("blazed_sync_never_synced_sellers",
                     "Active sellers with no sync cursor of the data type yet", {"data_type"})),
      oldest_(r.gauge("blazed_sync_oldest_lag_seconds",
                      "The largest sync cursor lag among active sellers (0 when none)", {"data_type"})) {
  update(FleetSummary{});
}

void SellerMetrics::update(const FleetSummary& summary) {
  std::vector<std::string> statuses = kStatuses;
  for (const auto& [status, n] : summary.by_status)
    if (std::find(statuses.begin(), statuses.end(), status) == statuses.end()) statuses.push_back(status);
  for (const auto& status : statuses)
    sellers_.with({status}).set(static_cast<double>(count_of(summary.by_status, status)));

  const auto active = count_of(summary.by_status, "active");
  std::vector<std::string> types = kDataTypes;
  for (const auto& l : summary.lags)
    if (std::find(types.begin(), types.end(), l.data_type) == types.end()) types.push_back(l.data_type);
  const auto& bounds = lag_bounds();
  for (const auto& type : types) {
    auto it = std::find_if(summary.lags.begin(), summary.lags.end(),
                           [&](const FleetSummary::Lag& l) { return l.data_type == type; });
    const FleetSummary::Lag none{type, 0, 0, std::vector<std::int64_t>(bounds.size(), 0)};
    const auto& l = it == summary.lags.end() ? none : *it;
    for (std::size_t i = 0; i < bounds.size(); ++i)
      lag_.with({type, le(bounds[i])}).set(i < l.at_most.size() ? static_cast<double>(l.at_most[i]) : 0.0);
    lag_.with({type, le(std::numeric_limits<double>::infinity())}).set(static_cast<double>(l.synced));
    never_.with({type}).set(static_cast<double>(std::max<std::int64_t>(active - l.synced, 0)));
    oldest_.with({type}).set(l.oldest_seconds);
  }
}

asio::awaitable<Status> SellerMetrics::refresh(JobContext& ctx) {
  auto summary = co_await fleet_summary(ctx.db, ctx.clock.now(), lag_bounds());
  if (!summary) co_return summary.error();
  update(*summary);
  co_return Status{};
}

asio::awaitable<void> run_seller_metrics(DutyRuntime rt) {
  SellerMetrics metrics(rt.ctx.metrics);
  const auto executor = co_await asio::this_coro::executor;
  log::Logger logger("seller_metrics");
  unsigned failures = 0;
  while (true) {
    // One warning per 20 failures in a row: a database down for long does not flood the log.
    if (auto st = co_await metrics.refresh(rt.ctx); !st && failures++ % 20 == 0)
      log::failure(logger, "seller metrics refresh failed", st.error());
    else if (st)
      failures = 0;
    auto [ec] = co_await rt.ctx.clock.wait_for(executor, kSellerMetricsRefresh, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

}  // namespace blazed::jobs::sellers
