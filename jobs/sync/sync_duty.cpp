// Owns the sync duty's registration: the seller_sync job type, its commands, and the cadence loop
// that enqueues each active seller's sync at its slot.
#include "jobs/sync/sync_duty.hpp"

#include "core/log.hpp"
#include "core/log_failure.hpp"
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

// The longest the cadence sleeps, so that sellers connected meanwhile (due at once) are seen soon;
// and the shortest, so that sellers due a few ms apart are enqueued in one pass.
constexpr std::chrono::milliseconds kCadenceMaxWait{30'000};
constexpr std::chrono::milliseconds kCadenceMinWait{1'000};

// Enqueues due seller syncs; sleeps until the next seller is due (within the bounds above).
asio::awaitable<void> run_cadence(DutyRuntime rt) {
  JobContext& ctx = rt.ctx;
  SellerCadence::Options options;
  options.cadence = ctx.config.sync_cadence;
  options.instance_id = ctx.instance_id;
  SellerCadence cadence(ctx.db, ctx.redis, rt.sink, ctx.clock, options);
  const auto executor = co_await asio::this_coro::executor;
  log::Logger logger("cadence");
  bool aligned = false;
  while (true) {
    auto wait = kCadenceMaxWait;
    if (!aligned) {
      auto st = co_await cadence.align();
      if (!st) log::failure(logger, "aligning the sync due times failed", st.error());
      aligned = st.has_value();
    }
    if (aligned) {
      if (auto pass = co_await cadence.pass(); !pass) {
        log::failure(logger, "enqueueing due seller syncs failed", pass.error());
      } else {
        if (pass->enqueued > 0) logger.info("seller syncs enqueued", {{"count", pass->enqueued}});
        if (pass->next_due) {
          auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*pass->next_due - ctx.clock.now());
          wait = std::clamp(until, kCadenceMinWait, kCadenceMaxWait);
        }
      }
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
