// Owns the sync duty's registration: the seller_sync job type, its commands, and the cadence loop
// that enqueues each active seller's sync at its slot.
#include "jobs/sync/sync_duty.hpp"

#include "core/log.hpp"
#include "jobs/sellers/sellers_store.hpp"
#include "jobs/sync/backfill_run.hpp"
#include "jobs/sync/sync_cadence.hpp"
#include "jobs/sync/sync_commands.hpp"
#include "jobs/sync/sync_register.hpp"
#include "pg/pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace blazed::jobs::sync {

namespace asio = boost::asio;

namespace {

// The longest the cadence sleeps, so that sellers connected meanwhile are seen soon.
constexpr std::chrono::milliseconds kCadenceMaxWait{30'000};

// Enqueues due seller syncs; wakes at the next seller's slot (at most every kCadenceMaxWait).
asio::awaitable<void> run_cadence(DutyRuntime rt) {
  JobContext& ctx = rt.ctx;
  SellerCadence::Options options;
  options.cadence = ctx.config.sync_cadence;
  options.instance_id = ctx.instance_id;
  SellerCadence cadence(ctx.redis, rt.sink, ctx.clock, options);
  const auto executor = co_await asio::this_coro::executor;
  log::Logger logger("cadence");
  while (true) {
    std::vector<SellerSyncState> due;
    auto active = co_await sellers::active_sellers(ctx.db);
    if (active) {
      for (const auto& s : *active) due.push_back({s.seller_id, s.last_sync});
      if (auto n = co_await cadence.enqueue_due(due); !n)
        logger.warn("enqueueing due seller syncs failed", {{"error", n.error().message}});
      else if (*n > 0)
        logger.info("seller syncs enqueued", {{"count", *n}});
    } else {
      logger.warn("reading sellers failed", {{"error", active.error().message}});
    }
    auto wait = kCadenceMaxWait;
    if (auto next = next_seller_slot(due, ctx.clock.now(), ctx.config.sync_cadence)) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - ctx.clock.now());
      wait = std::clamp(until, std::chrono::milliseconds(100), wait);
    }
    auto [ec] = co_await ctx.clock.wait_for(executor, wait, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

// seller_sync, and seller_backfill for the history beyond the first sync.
Status register_sync_job_types(queue::Handlers& handlers, JobContext& ctx) {
  if (auto st = register_seller_sync(handlers, ctx); !st) return st;
  return register_seller_backfill(handlers, ctx);
}

}  // namespace

Duty sync_duty() {
  return {.name = "sync", .doc = "docs/sync.md", .job_types = register_sync_job_types,
          .commands = register_sync_commands, .background = run_cadence};
}

}  // namespace blazed::jobs::sync
