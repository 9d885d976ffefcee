// Owns building the work side: rate limiter, job sink, every duty's job types, and per queue a
// processor, a recoverer and a forwarder; then the cron scheduler (with the duties' default
// schedules). Note: stop runs in reverse, so the scheduler stops before the processors, and the
// processors (graceful: finish or hand back) before recoverers/forwarders.
#include "app/check_config.hpp"
#include "crypto/nonce.hpp"
#include "jobs/duty.hpp"
#include "queue/keys.hpp"
#include "app/parts.hpp"

namespace blazed::app {
namespace asio = boost::asio;

namespace {

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
  // The duties' default schedules join the configured ones (a configured name wins).
  config::SchedulerConfig with_defaults = p.config.scheduler;
  with_defaults.schedules = jobs::schedules_with_defaults(p.config.scheduler.schedules);
  auto schedules = schedule::compile_schedules(with_defaults);
  if (!schedules) return schedules.error().context("schedules");
  schedule::Scheduler::Options options{p.config.instance_id, p.config.scheduler.fence_ttl,
                                    p.config.scheduler.max_sleep};
  p.scheduler = std::make_unique<schedule::Scheduler>(*p.redis, *p.job_sink, p.clock,
                                                   std::move(*schedules), options);
  p.run_background("scheduler", p.scheduler->run(), [&p] { p.scheduler->stop(); });
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
  p.job_types = handlers;
  if (auto st = check_schedule_jobs(jobs::schedules_with_defaults(p.config.scheduler.schedules), handlers); !st)
    return st.error().context("schedules");
  if (auto st = start_queues(p, handlers); !st) return st;
  return start_scheduling(p);
}

}  // namespace blazed::app
