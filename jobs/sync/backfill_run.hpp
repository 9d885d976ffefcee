// Owns the seller_backfill job: payload {"seller_id":N}, queue "backfill"; fetches a seller's
// history beyond the first sync's 30 days, down to sync.backfill.<type>, walking back one window
// at a time through the sync's page loop (resumable: its cursor, window and next page commit with
// each page, in sync_backfill). Queued after a seller's sync whenever its backfill is not complete.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "jobs/sync/sync_store.hpp"
#include "jobs/sync/sync_window.hpp"
#include "queue/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace blazed::queue {
class Handlers;
}

namespace blazed::jobs {
struct JobContext;
}

namespace blazed::jobs::sync {

class SyncMetrics;

inline constexpr std::string_view kSellerBackfillType = "seller_backfill";
// Its own queue, so its worker slots are not the syncs': a backfill never holds up a sync.
inline constexpr std::string_view kBackfillQueue = "backfill";

// How far back the backfill of `type` reaches (from when it started).
std::chrono::milliseconds backfill_depth(const config::SyncBackfillConfig& config, DataType type);
// The span of one backfill window: orders 14 days; transactions 90 days (listTransactions allows
// 180; a shorter window keeps the page loop to one window per call and a resume cheap).
std::chrono::milliseconds backfill_window_span(DataType type);
// The next window walking back from `cursor` to `oldest`, nullopt once the cursor is there.
std::optional<SyncWindow> next_backfill_window(TimePoint cursor, TimePoint oldest, std::chrono::milliseconds span);

// "bad_payload" unless {"seller_id": N > 0}.
Result<std::int64_t> parse_backfill_payload(std::string_view payload);

// Walks every data type's remaining windows. Done: each reached its oldest point (or needs no
// backfill); otherwise the page loop's outcome (a deferral for the rate limit, permanent when the
// seller is not active, stopped or needs re-authorization, an error to retry), progress kept.
boost::asio::awaitable<queue::HandlerOutcome> run_seller_backfill(JobContext& ctx, SyncMetrics& metrics,
                                                                  std::int64_t seller_id);

// Queues the seller's backfill (unique per seller) unless every data type's is complete or needs
// none (sync.backfill.<type> no deeper than the first sync).
boost::asio::awaitable<Status> enqueue_backfill_if_due(JobContext& ctx, std::int64_t seller_id);

// The seller_backfill job type (the sync duty registers it).
Status register_seller_backfill(queue::Handlers& handlers, JobContext& ctx);

}  // namespace blazed::jobs::sync
