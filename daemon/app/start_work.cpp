// Owns building the work side: rate limiter, job sink, job types, and per queue a processor,
// a recoverer and a forwarder; then the cron scheduler and the per-seller sync cadence.
// Note: stop runs in reverse, so the producers of work (cadence, scheduler) stop before the
// processors, and the processors (graceful: finish or hand back) before recoverers/forwarders.
#include "crypto/nonce.hpp"
#include "jobs/backup/backup_duty.hpp"
#include "pg/rows.hpp"
#include "queue/keys.hpp"
#include "app/parts.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace blazed::app {
namespace asio = boost::asio;

namespace {

// Active sellers with the time their last sync finished (any data type), for the cadence.
// Note: sync_state is owned by the sync job's migration.
constexpr const char* kSellersForCadence = R"(
  SELECT s.id, max(st.last_success_at)
  FROM sellers s LEFT JOIN sync_state st ON st.seller_id = s.id
  WHERE s.status = 'active'
  GROUP BY s.id)";

// Enqueues due seller syncs; wakes at the next seller's slot (at most every 30 s, so sellers
// connected meanwhile are seen soon).
asio::awaitable<void> run_sync_cadence(Parts& p) {
  asio::steady_timer timer(p.io);
  log::Logger logger("cadence");
  while (true) {
    std::vector<jobs::sync::SellerSyncState> sellers;
    auto rows = co_await p.db->execute(kSellersForCadence, {});
    if (rows) {
      for (const auto& row : *rows) {
        auto id = row.get<std::int64_t>(0);
        auto last = row.get<std::optional<Clock::time_point>>(1);
        if (id && last) sellers.push_back({*id, *last});
      }
      if (auto n = co_await p.cadence->enqueue_due(sellers); !n)
        logger.warn("enqueueing due seller syncs failed", {{"error", n.error().message}});
      else if (*n > 0)
        logger.info("seller syncs enqueued", {{"count", *n}});
    } else {
      logger.warn("reading sellers failed", {{"error", rows.error().message}});
    }
    auto wait = std::chrono::milliseconds(30'000);
    if (auto next = jobs::sync::next_seller_slot(sellers, p.clock.now(), p.config.sync_cadence)) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - p.clock.now());
      wait = std::clamp(until, std::chrono::milliseconds(100), wait);
    }
    timer.expires_after(wait);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

Status start_queues(Parts& p, const queue::Handlers& handlers) {
  const auto& q = p.config.queue;
  for (const auto& name : q.queues) {
    auto keys = queue::QueueKeys::make(name);
    if (!keys) return keys.error().context("queue.queues");
    auto& recoverer = p.recoverers.emplace_back(
        std::make_unique<queue::Recoverer>(*p.redis, *keys, p.clock, q.recover_interval));
    auto& forwarder = p.forwarders.emplace_back(
        std::make_unique<queue::Forwarder>(*p.redis, *keys, p.clock, q.forward_interval));
    recoverer->start();
    forwarder->start();
    auto& processor = p.processors.emplace_back(std::make_unique<queue::Processor>(
        *p.redis, *p.redis_waiter, *keys, handlers, queue::ProcessorOptions::from(q), p.clock));
    processor->start();
    p.logger.info("processing queue", {{"queue", name}, {"concurrency", q.concurrency}});
  }
  p.on_stop("queue recoverers and forwarders", [&p]() -> asio::awaitable<void> {
    for (auto& f : p.forwarders) f->stop();
    for (auto& r : p.recoverers) r->stop();
    co_return;
  });
  // Graceful: stop claiming, let running jobs finish until the deadline, hand back the rest.
  p.on_stop("queue processors", [&p]() -> asio::awaitable<void> {
    for (auto& processor : p.processors) co_await processor->stop(p.config.shutdown_deadline);
  });
  return {};
}

Status start_scheduling(Parts& p) {
  auto schedules = schedule::compile_schedules(jobs::backup::with_backup_schedules(p.config.scheduler, p.config));
  if (!schedules) return schedules.error().context("schedules");
  schedule::Scheduler::Options options{p.config.instance_id, p.config.scheduler.fence_ttl,
                                    p.config.scheduler.max_sleep};
  p.scheduler = std::make_unique<schedule::Scheduler>(*p.redis, *p.job_sink, p.clock,
                                                   std::move(*schedules), options);
  p.spawn_background(p.scheduler->run());

  jobs::sync::SellerCadence::Options cadence;
  cadence.cadence = p.config.sync_cadence;
  cadence.instance_id = p.config.instance_id;
  p.cadence = std::make_unique<jobs::sync::SellerCadence>(*p.redis, *p.job_sink, p.clock, cadence);
  p.spawn_background(run_sync_cadence(p));
  p.on_stop("scheduler and sync cadence", [&p]() -> asio::awaitable<void> {
    p.scheduler->stop();
    co_return;
  });
  return {};
}

}  // namespace

Status start_work(Parts& p) {
  auto plans = ratelimit::UsagePlans::make(p.config.rate_limit.plans);
  if (!plans) return plans.error().context("rate_limit.plans");
  p.rate_limiter = std::make_unique<ratelimit::RateLimiter>(
      *p.redis, p.clock, std::move(*plans), ratelimit::RateLimiter::Options::from(p.config.rate_limit));
  p.job_sink = std::make_unique<schedule::QueueJobSink>(*p.redis, p.clock);
  p.job_context.reset(new jobs::JobContext{
      p.config, p.clock, p.config.instance_id, *p.db, *p.redis, *p.keyring,
      crypto::random_nonces(), p.spapi.get(), *p.rate_limiter, p.metrics,
      [&p](const std::string& name) -> queue::Producer& {
        auto producer = p.job_sink->producer(name);
        if (!producer) throw ErrorException(producer.error());  // a queue name from code
        return **producer;
      }});

  queue::Handlers handlers;
  if (auto st = jobs::register_job_types(handlers, *p.job_context); !st) return st;
  if (auto st = start_queues(p, handlers); !st) return st;
  return start_scheduling(p);
}

}  // namespace blazed::app
