// Owns the per-seller sync cadence: each seller's slots (every sync interval, at its own
// deterministic offset so sellers spread out) and the pass that enqueues the syncs of the sellers
// due, read by range from `sync_due` (sync_due.hpp), once per slot across daemons.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "schedule/job_sink.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace blazed::pg {
class PgPool;
}

namespace blazed::jobs::sync {

// Seller S is due in slots at k * interval + offset(S) since the Unix epoch, where offset is a
// hash of S's id modulo min(jitter, interval). Slots are the same on every instance, so they
// also name the fence and the job's unique key.
Clock::duration seller_offset(std::int64_t seller_id, const config::SyncCadenceConfig& cadence);
// The latest slot of the seller at or before `now`.
Clock::time_point current_slot(std::int64_t seller_id, Clock::time_point now,
                               const config::SyncCadenceConfig& cadence);
// The seller's first slot after `t`: when a seller that synced (or was enqueued) at `t` is due
// again.
Clock::time_point next_slot(std::int64_t seller_id, Clock::time_point t, const config::SyncCadenceConfig& cadence);

// Enqueues due sellers' syncs. A pass locks a batch of due rows of `sync_due` (SKIP LOCKED, so
// daemons split the work), enqueues each seller's sync for its current slot and moves its due
// time to its next slot, in one transaction per batch: a daemon dying mid-batch leaves the rows
// due for the next pass. A seller due at its slot is also fenced per (seller, slot) in Redis with
// SET NX for one interval, at most 10 minutes (one due now, connected or re-authorized, is not:
// that slot's fence may be an earlier sync's); the job's unique key "sync:SELLER:SLOTMS" lets the
// queue drop a repeat, and its group "seller:SELLER" keeps a seller's syncs from running side by
// side.
class SellerCadence {
 public:
  struct Options {
    config::SyncCadenceConfig cadence;
    std::string job = "seller_sync";  // job type of a seller sync
    std::string queue = "sync";
    std::string instance_id;  // fence owner, for diagnostics
    std::int64_t batch = 500;  // due sellers per transaction
  };

  SellerCadence(pg::PgPool& db, redis::RedisClient& redis, schedule::JobSink& sink, const Clock& clock,
                Options options)
      : db_(db), redis_(redis), sink_(sink), clock_(clock), options_(std::move(options)) {}

  // Makes the stored due times follow this interval and jitter: when they were computed with
  // others (or never), recomputes every active seller's from its last sync (one read of all the
  // sellers, only then). Call before the first pass.
  boost::asio::awaitable<Status> align();

  struct Pass {
    std::size_t enqueued = 0;                    // syncs this instance enqueued
    std::optional<Clock::time_point> next_due;   // the earliest due time left (nullopt: no seller)
  };
  // Enqueues the syncs of every seller due now; costs what is due, not how many sellers there are.
  boost::asio::awaitable<Result<Pass>> pass();

 private:
  // True when this call enqueued the slot's sync (false: fenced by another pass, or a duplicate).
  // `fenced`: take the slot's fence first.
  boost::asio::awaitable<Result<bool>> enqueue_slot(std::int64_t seller_id, Clock::time_point slot, bool fenced);

  pg::PgPool& db_;
  redis::RedisClient& redis_;
  schedule::JobSink& sink_;
  const Clock& clock_;
  Options options_;
};

}  // namespace blazed::jobs::sync
