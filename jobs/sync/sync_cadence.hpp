// Owns the per-seller sync cadence: which sellers are due (every sync interval, each at its own
// deterministic offset so sellers spread out) and enqueueing their syncs once per slot.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "queue/keys.hpp"
#include "schedule/job_sink.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace blazed::jobs::sync {

// One row of the sellers table, as far as the cadence cares.
struct SellerSyncState {
  std::int64_t seller_id = 0;
  std::optional<Clock::time_point> last_sync;  // nullopt: never synced
};

// Seller S is due in slots at k * interval + offset(S) since the Unix epoch, where offset is a
// hash of S's id modulo min(jitter, interval). Slots are the same on every instance, so they
// also name the fence and the job's unique key.
Clock::duration seller_offset(std::int64_t seller_id, const config::SyncCadenceConfig& cadence);
// The latest slot of the seller at or before `now`.
Clock::time_point current_slot(std::int64_t seller_id, Clock::time_point now,
                               const config::SyncCadenceConfig& cadence);

struct DueSeller {
  std::int64_t seller_id;
  Clock::time_point slot;
  friend bool operator==(const DueSeller&, const DueSeller&) = default;
};
// Due: never synced, or the last sync happened before the seller's current slot.
std::vector<DueSeller> due_sellers(std::span<const SellerSyncState> sellers, Clock::time_point now,
                                   const config::SyncCadenceConfig& cadence);
// The earliest slot after `now` of any seller (when to look again).
std::optional<Clock::time_point> next_seller_slot(std::span<const SellerSyncState> sellers,
                                                  Clock::time_point now,
                                                  const config::SyncCadenceConfig& cadence);

// Enqueues due sellers' syncs. Each (seller, slot) is fenced in Redis with SET NX for one
// interval, so across instances a slot enqueues at most one sync; the job's unique key
// "sync:SELLER:SLOTMS" lets the queue drop a repeat as well, and its group "seller:SELLER"
// keeps a seller's syncs from running side by side.
class SellerCadence {
 public:
  struct Options {
    config::SyncCadenceConfig cadence;
    std::string job = "seller_sync";  // job type of a seller sync
    std::string queue = "sync";
    std::string instance_id;  // fence owner, for diagnostics
  };

  SellerCadence(redis::RedisClient& redis, schedule::JobSink& sink, const Clock& clock, Options options)
      : redis_(redis), sink_(sink), clock_(clock), options_(std::move(options)) {}

  // Returns how many syncs this instance enqueued.
  boost::asio::awaitable<Result<std::size_t>> enqueue_due(std::span<const SellerSyncState> sellers);

 private:
  redis::RedisClient& redis_;
  schedule::JobSink& sink_;
  const Clock& clock_;
  Options options_;
};

}  // namespace blazed::jobs::sync
