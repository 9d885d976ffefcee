// Owns every SQL statement on `sync_due` and `sync_due_config`: each active seller's next sync due
// time, read by range so a cadence pass costs what is due, not what is stored.
#pragma once

#include "core/error.hpp"
#include "pg/param.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace blazed::pg {
class Executor;
}

namespace blazed::jobs {
struct JobContext;
}

namespace blazed::jobs::sync {

// A seller's due time in Unix milliseconds; 0 means "due now, at its current slot" (what a seller
// becoming active gets, from the trigger of migration 0120).
struct SellerDue {
  std::int64_t seller_id = 0;
  std::int64_t due_ms = 0;
};

// Locks and returns up to `limit` sellers due at `now_ms`, earliest first, skipping rows another
// transaction holds (another daemon's pass): call inside a transaction, then `set_due`.
boost::asio::awaitable<Result<std::vector<SellerDue>>> lock_due_sellers(pg::Executor& tx, std::int64_t now_ms,
                                                                           std::int64_t limit);
// Stores the given due times (rows of sellers no longer scheduled are left absent).
boost::asio::awaitable<Status> set_due(pg::Executor& db, const std::vector<SellerDue>& dues);
// The earliest due time stored (nullopt: no seller scheduled).
boost::asio::awaitable<Result<std::optional<std::int64_t>>> earliest_due(pg::Executor& db);

// An active seller's sync is due now (the next pass enqueues it, unless its current slot's sync
// was already enqueued). Does nothing for a seller that is not active.
boost::asio::awaitable<Status> mark_seller_due_now(pg::Executor& db, std::int64_t seller_id);
// A sync of the seller completed: its next sync is not due before `next_due_ms` (the seller's slot
// after the completion); a later due time already stored stays.
boost::asio::awaitable<Status> record_seller_synced(pg::Executor& db, std::int64_t seller_id,
                                                    std::int64_t next_due_ms);

// A sync of the seller completed now (any data type): record_seller_synced with its next slot
// under the configured cadence (a failure is logged only: at worst the seller syncs once more),
// and its cached access token dropped if it will have expired by then.
boost::asio::awaitable<void> note_sync_completed(JobContext& ctx, std::int64_t seller_id);

// The interval and jitter the stored due times follow; locked until the transaction ends, so one
// daemon at a time recomputes them. {0, 0}: never computed.
struct DueConfig {
  std::int64_t interval_ms = 0;
  std::int64_t jitter_ms = 0;
  friend bool operator==(const DueConfig&, const DueConfig&) = default;
};
boost::asio::awaitable<Result<DueConfig>> lock_due_config(pg::Executor& tx);
// Replaces every seller's due time (sellers no longer active are skipped) and records `config`.
boost::asio::awaitable<Status> replace_due(pg::Executor& tx, const std::vector<SellerDue>& dues,
                                           const DueConfig& config);

}  // namespace blazed::jobs::sync
