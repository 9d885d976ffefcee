// Owns the seller slot arithmetic (offset hash, current slot, due list) and the fenced enqueue.
#include "jobs/sync/sync_cadence.hpp"

#include "core/log.hpp"

#include <algorithm>

namespace blazed::jobs::sync {
namespace {

using namespace std::chrono;

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

std::vector<DueSeller> due_sellers(std::span<const SellerSyncState> sellers, Clock::time_point now,
                                   const config::SyncCadenceConfig& cadence) {
  std::vector<DueSeller> due;
  for (const auto& s : sellers) {
    const auto slot = current_slot(s.seller_id, now, cadence);
    if (!s.last_sync || *s.last_sync < slot) due.push_back({s.seller_id, slot});
  }
  return due;
}

std::optional<Clock::time_point> next_seller_slot(std::span<const SellerSyncState> sellers,
                                                  Clock::time_point now,
                                                  const config::SyncCadenceConfig& cadence) {
  std::optional<Clock::time_point> best;
  for (const auto& s : sellers) {
    const auto next = current_slot(s.seller_id, now, cadence) + milliseconds{interval_ms(cadence)};
    if (!best || next < *best) best = next;
  }
  return best;
}

boost::asio::awaitable<Result<std::size_t>> SellerCadence::enqueue_due(
    std::span<const SellerSyncState> sellers) {
  std::size_t enqueued = 0;
  for (const auto& d : due_sellers(sellers, clock_.now(), options_.cadence)) {
    const std::int64_t slot_ms = unix_millis(d.slot);
    const auto key = queue::seller_slot_fence_key(d.seller_id, slot_ms);
    redis::Args cmd{"SET", key, options_.instance_id, "NX", "PX"};
    cmd.add(interval_ms(options_.cadence));
    auto fenced = redis::checked(co_await redis_.command(std::move(cmd)));
    if (!fenced) co_return fenced.error().context("seller sync fence");
    if (fenced->is_nil()) continue;  // another instance has this slot

    queue::NewJob job{options_.job, R"({"seller_id":)" + std::to_string(d.seller_id) + "}", {}};
    job.options.unique_key = "sync:" + std::to_string(d.seller_id) + ":" + std::to_string(slot_ms);
    job.options.group = "seller:" + std::to_string(d.seller_id);  // one sync per seller at a time
    auto queued = co_await sink_.enqueue(options_.queue, std::move(job));
    if (!queued) {
      redis::Args del{"DEL", key};
      (void)co_await redis_.command(std::move(del));  // let the next pass retry this slot
      co_return queued.error().context("seller sync enqueue");
    }
    if (!queued->duplicate) ++enqueued;
    logger.debug("seller sync enqueued", {{"seller_id", d.seller_id}, {"slot_ms", slot_ms}});
  }
  co_return enqueued;
}

}  // namespace blazed::jobs::sync
