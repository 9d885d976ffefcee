// Owns the seller_sync job: payload {"seller_id":N,"data":"orders"|"transactions"|"all"}; syncs
// each data type of one seller from its cursor, page by page, with audit, metrics and flow control.
#pragma once

#include "core/error.hpp"
#include "jobs/sync/page_fetch.hpp"
#include "jobs/sync/sync_ports.hpp"
#include "jobs/sync/sync_store.hpp"
#include "queue/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::queue {
class Handlers;
}

namespace blazed::jobs {
struct JobContext;
}

namespace blazed::jobs::sync {

inline constexpr std::string_view kSellerSyncType = "seller_sync";

struct SyncRequest {
  std::int64_t seller_id = 0;
  std::vector<DataType> types;  // in this order
  // The run's fencing token (the queue job's run id); empty: one made for this run.
  std::string run_id;
};

// "bad_payload" for anything but the documented shape.
Result<SyncRequest> parse_sync_payload(std::string_view payload);
// "all" for both data types, else the one name.
std::string sync_payload(std::int64_t seller_id, std::string_view data);

// The queue's unique key and group of a seller's sync (one pending and one running at a time).
std::string sync_unique_key(std::int64_t seller_id, std::string_view data);
std::string sync_group(std::int64_t seller_id);

class SyncMetrics;

// Runs a whole request. Done: every data type is synced up to its window end. Otherwise:
// queue::defer_until(...) when a rate limit (or a 429) says to come back later (progress is kept),
// queue::permanent(...) when the seller needs re-authorization, is not active or has no token, and
// the failing step's error otherwise (the queue retries; the next run resumes at the last committed
// page).
boost::asio::awaitable<queue::HandlerOutcome> run_seller_sync(JobContext& ctx, SyncMetrics& metrics,
                                               const SyncRequest& request);
// The same against any ports (what the one above runs with the real ones; unit tests with fakes).
boost::asio::awaitable<queue::HandlerOutcome> run_seller_sync(SyncPorts ports, const FetchOptions& fetch,
                                               const SyncRequest& request);

}  // namespace blazed::jobs::sync
