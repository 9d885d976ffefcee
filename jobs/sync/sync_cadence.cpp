// Owns the seller slot arithmetic (offset hash, current and next slot) and the cadence pass: the
// due sellers read by range, their fenced enqueue, and their next due times.
#include "jobs/sync/sync_cadence.hpp"

#include "core/log.hpp"
#include "jobs/sellers/sellers_store.hpp"
#include "jobs/sync/sync_due.hpp"
#include "pg/pool.hpp"
#include "queue/keys.hpp"

#include <algorithm>

namespace blazed::jobs::sync {
namespace {

using namespace std::chrono;
namespace asio = boost::asio;

const log::Logger logger("seller_cadence");

// splitmix64: a fixed, well-mixed hash (std::hash may differ between builds and instances).
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

std::int64_t interval_ms(const config::SyncCadenceConfig& c) { return std::max<std::int64_t>(c.interval.count(), 1); }

// How long a slot's fence lives: it guards the slot while its row could still be read as due (a
// batch rolled back after its enqueues and retried by a later pass, a recomputation of the due
// times); past that the queue's unique key still drops a repeat while the slot's sync is queued
// or running. A fence as long as the interval would keep a key per seller at all times.
std::int64_t fence_ttl_ms(const config::SyncCadenceConfig& c) {
  constexpr std::int64_t kFenceTtlCapMs = 10 * 60 * 1000;
  return std::min(interval_ms(c), kFenceTtlCapMs);
}

}  // namespace

Clock::duration seller_offset(std::int64_t seller_id, const config::SyncCadenceConfig& cadence) {
  const std::int64_t spread = std::min(cadence.jitter.count(), interval_ms(cadence));
  if (spread <= 0) return Clock::duration::zero();
  const auto offset = mix(static_cast<std::uint64_t>(seller_id)) % static_cast<std::uint64_t>(spread);
  return milliseconds{static_cast<std::int64_t>(offset)};
}

Clock::time_point current_slot(std::int64_t seller_id, Clock::time_point now,
                               const config::SyncCadenceConfig& cadence) {
  const std::int64_t interval = interval_ms(cadence);
  const std::int64_t offset = duration_cast<milliseconds>(seller_offset(seller_id, cadence)).count();
  const std::int64_t k = floor_div(unix_millis(now) - offset, interval);
  return Clock::time_point{milliseconds{k * interval + offset}};
}

Clock::time_point next_slot(std::int64_t seller_id, Clock::time_point t, const config::SyncCadenceConfig& cadence) {
  return current_slot(seller_id, t, cadence) + milliseconds{interval_ms(cadence)};
}

asio::awaitable<Status> SellerCadence::align() {
  const DueConfig wanted{interval_ms(options_.cadence), options_.cadence.jitter.count()};
  co_return co_await db_.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto stored = co_await lock_due_config(tx);
    if (!stored) co_return stored.error();
    if (*stored == wanted) co_return Status{};
    auto active = co_await sellers::active_sellers(tx);
    if (!active) co_return active.error();
    std::vector<SellerDue> dues;
    dues.reserve(active->size());
    for (const auto& s : *active) {
      // Never synced: due now (0); else at the first slot after its last sync.
      dues.push_back({s.seller_id, s.last_sync ? unix_millis(next_slot(s.seller_id, *s.last_sync, options_.cadence)) : 0});
    }
    logger.info("sync due times recomputed", {{"sellers", dues.size()}, {"interval_ms", wanted.interval_ms},
                                               {"jitter_ms", wanted.jitter_ms}});
    co_return co_await replace_due(tx, dues, wanted);
  });
}

asio::awaitable<Result<SellerCadence::Pass>> SellerCadence::pass() {
  const auto now = clock_.now();
  Pass out;
  while (true) {
    std::size_t locked = 0;
    std::size_t enqueued = 0;
    auto batch = co_await db_.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
      auto due = co_await lock_due_sellers(tx, unix_millis(now), options_.batch);
      if (!due) co_return due.error();
      locked = due->size();
      std::vector<SellerDue> next;
      next.reserve(due->size());
      for (const auto& d : *due) {
        const auto slot = current_slot(d.seller_id, now, options_.cadence);
        // Due now (connected, re-authorized): this slot's fence may be an earlier sync's, so
        // only the row lock and the unique key stand between it and a second enqueue.
        auto queued = co_await enqueue_slot(d.seller_id, slot, /*fenced=*/d.due_ms > 0);
        if (!queued) co_return queued.error();
        if (*queued) ++enqueued;
        next.push_back({d.seller_id, unix_millis(slot) + interval_ms(options_.cadence)});
      }
      co_return co_await set_due(tx, next);
    });
    if (!batch) co_return batch.error().context("seller cadence pass");
    out.enqueued += enqueued;
    if (locked < static_cast<std::size_t>(options_.batch)) break;
  }
  auto earliest = co_await earliest_due(db_);
  if (!earliest) co_return earliest.error().context("seller cadence next due");
  if (*earliest) out.next_due = Clock::time_point{milliseconds{**earliest}};
  co_return out;
}

asio::awaitable<Result<bool>> SellerCadence::enqueue_slot(std::int64_t seller_id, Clock::time_point slot,
                                                          bool fenced) {
  const std::int64_t slot_ms = unix_millis(slot);
  const auto key = queue::seller_slot_fence_key(seller_id, slot_ms);
  if (fenced) {
    redis::Args cmd{"SET", key, options_.instance_id, "NX", "PX"};
    cmd.add(fence_ttl_ms(options_.cadence));
    auto set = redis::checked(co_await redis_.command(std::move(cmd)));
    if (!set) co_return set.error().context("seller sync fence");
    if (set->is_nil()) co_return false;  // another pass has this slot
  }

  queue::NewJob job{options_.job, R"({"seller_id":)" + std::to_string(seller_id) + "}", {}};
  job.options.unique_key = "sync:" + std::to_string(seller_id) + ":" + std::to_string(slot_ms);
  job.options.group = "seller:" + std::to_string(seller_id);  // one sync per seller at a time
  auto queued = co_await sink_.enqueue(options_.queue, std::move(job));
  if (!queued) {
    if (fenced) {
      redis::Args del{"DEL", key};
      (void)co_await redis_.command(std::move(del));  // let the next pass retry this slot
    }
    co_return queued.error().context("seller sync enqueue");
  }
  logger.debug("seller sync enqueued", {{"seller_id", seller_id}, {"slot_ms", slot_ms}});
  co_return !queued->duplicate;
}

}  // namespace blazed::jobs::sync
