// Owns feeding the queue metric families from processor reports, recoverer counts and periodic
// depth snapshots (see queue_metrics.hpp).
#include "queue_ops/queue_metrics.hpp"

#include "core/log.hpp"
#include "queue/inspector.hpp"
#include "queue/processor.hpp"
#include "queue/recoverer.hpp"
#include "redis/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace blazed::queue_ops {

namespace asio = boost::asio;

namespace {
std::vector<double> bucket_bounds() {
  return {queue::Histogram::bounds.begin(), queue::Histogram::bounds.end()};
}
double seconds(std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1e6; }
}  // namespace

struct QueueMetrics::State {
  State(metrics::Registry& r, redis::RedisClient& c, std::vector<std::string> q)
      : redis(c),
        queues(std::move(q)),
        depth(r.gauge("blazed_queue_depth", "Jobs per queue and state (refreshed periodically)",
                      {"queue", "state"})),
        paused(r.gauge("blazed_queue_paused", "1 while the queue is paused", {"queue"})),
        jobs(r.counter("blazed_jobs_total", "Settled job runs by queue, type and outcome",
                       {"queue", "type", "outcome"})),
        duration(r.histogram("blazed_job_duration_seconds", "Handler run time of settled runs",
                             bucket_bounds(), {"queue"})),
        pickup(r.histogram("blazed_job_pickup_latency_seconds",
                           "From runnable to claimed, per run", bucket_bounds(), {"queue"})),
        recoveries(r.counter("blazed_lease_recoveries_total",
                             "Expired leases put back to pending by this instance", {"queue"})),
        timer(c.get_executor()) {}

  redis::RedisClient& redis;
  std::vector<std::string> queues;
  metrics::GaugeFamily& depth;
  metrics::GaugeFamily& paused;
  metrics::CounterFamily& jobs;
  metrics::HistogramFamily& duration;
  metrics::HistogramFamily& pickup;
  metrics::CounterFamily& recoveries;
  struct Watched {
    queue::Recoverer* recoverer;
    std::string queue;
    std::uint64_t seen = 0;
  };
  std::vector<Watched> recoverers;
  asio::steady_timer timer;
  bool stopped = false;
  log::Logger log{"queue_metrics"};
};

QueueMetrics::QueueMetrics(metrics::Registry& registry, redis::RedisClient& redis,
                           std::vector<std::string> queues)
    : state_(std::make_shared<State>(registry, redis, std::move(queues))) {}

QueueMetrics::~QueueMetrics() { stop(); }

void QueueMetrics::watch(queue::Processor& processor) {
  std::string q = processor.keys().queue();
  // The families outlive the processor's observer: they belong to the registry.
  processor.on_report([s = state_, q](const queue::RunReport& r) {
    s->jobs.with({q, r.type, std::string(queue::outcome_name(r.outcome))}).inc();
    s->pickup.with({q}).observe(seconds(r.pickup));
    if (r.outcome != queue::Outcome::lease_lost && r.outcome != queue::Outcome::handed_back)
      s->duration.with({q}).observe(seconds(r.duration));
  });
}

void QueueMetrics::watch(queue::Recoverer& recoverer, const std::string& queue) {
  state_->recoverers.push_back({&recoverer, queue, recoverer.recovered()});
  state_->recoveries.with({queue});  // exposed as 0 before the first recovery
}

boost::asio::awaitable<Status> QueueMetrics::refresh_once() {
  auto s = state_;
  for (auto& w : s->recoverers) {
    std::uint64_t now = w.recoverer->recovered();
    if (now > w.seen) s->recoveries.with({w.queue}).inc(static_cast<double>(now - w.seen));
    w.seen = now;
  }
  Status result;
  for (const auto& name : s->queues) {
    auto keys = queue::QueueKeys::make(name);
    if (!keys) co_return keys.error();
    queue::Inspector inspector(s->redis, *keys);
    auto d = co_await inspector.depths();
    auto p = co_await inspector.paused();
    if (!d || !p) {
      if (result) result = !d ? d.error() : p.error();
      continue;
    }
    const std::pair<const char*, std::uint64_t> states[] = {
        {"pending", d->pending}, {"active", d->active}, {"scheduled", d->scheduled},
        {"retry", d->retry},     {"dead", d->dead}};
    for (auto [state, n] : states) s->depth.with({name, state}).set(static_cast<double>(n));
    s->paused.with({name}).set(*p ? 1.0 : 0.0);
  }
  co_return result;
}

boost::asio::awaitable<void> QueueMetrics::run(std::chrono::milliseconds interval) {
  auto s = state_;
  unsigned failures = 0;
  while (!s->stopped) {
    auto st = co_await refresh_once();
    if (!st && failures++ % 20 == 0)
      s->log.warn("queue depth refresh failed", {{"code", st.error().code}});
    if (st) failures = 0;
    if (s->stopped) break;
    s->timer.expires_after(interval);
    co_await s->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    // Also ends when the caller cancels the coroutine (e.g. the daemon's background tasks).
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) break;
  }
}

void QueueMetrics::stop() {
  state_->stopped = true;
  state_->timer.cancel();
}

std::unique_ptr<QueueMetrics> register_queue_metrics(metrics::Registry& registry,
                                                     redis::RedisClient& redis,
                                                     std::vector<std::string> queues) {
  return std::make_unique<QueueMetrics>(registry, redis, std::move(queues));
}

}  // namespace blazed::queue_ops
