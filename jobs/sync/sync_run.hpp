// Owns one data type's sync run: window from the cursor (or the run in progress), then pages
// until the window is exhausted, each page committed with its resume token.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "jobs/sync/page_fetch.hpp"
#include "jobs/sync/sync_metrics.hpp"
#include "jobs/sync/sync_store.hpp"
#include "jobs/sync/sync_window.hpp"
#include "queue/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace blazed::ratelimit {
class RateLimiter;
}

namespace blazed::jobs::sync {

struct RunReport {
  std::int64_t pages = 0;
  std::int64_t rows = 0;
  std::vector<std::string> request_ids;  // of the stored pages (capped: kMaxRequestIds)
  std::optional<TimePoint> cursor;       // after the run
};
inline constexpr std::size_t kMaxRequestIds = 200;

struct RunDeps {
  SyncStore& store;
  ratelimit::RateLimiter& limiter;
  spapi::SpApiClient& client;
  SyncMetrics& metrics;
  const Clock& clock;
};

struct RunTarget {
  const SellerRow& seller;
  const spapi::SellerAuth& auth;
  DataType type;
  WindowRules rules;
  FetchOptions fetch;
};

// Fills `report` as pages commit, so a caller sees the progress of a run that failed. Deferred
// when the seller's rate limit has no token left (progress kept).
boost::asio::awaitable<queue::HandlerOutcome> sync_data_type(RunDeps deps, const RunTarget& target, RunReport& report);

// The window rules of a data type: orders use one window up to now - kMinimumEndAge;
// transactions windows of at most 180 days.
WindowRules window_rules(DataType type);

}  // namespace blazed::jobs::sync
