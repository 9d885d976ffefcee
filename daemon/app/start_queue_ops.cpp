// Owns wiring the queue's operator surface into the daemon: the jobs/queues/schedules control
// commands and the queue metrics (fed by every processor and recoverer; depths refreshed by a
// background coroutine, never on the scrape path).
#include "queue/processor.hpp"
#include "queue/recoverer.hpp"
#include "queue_ops/commands.hpp"
#include "app/parts.hpp"
#include "queue_ops/queue_metrics.hpp"

namespace blazed::app {

namespace {
// How stale blazed_queue_depth may be; one pipelined round trip per queue each time.
constexpr std::chrono::milliseconds depth_refresh{5'000};
}  // namespace

Status start_queue_ops(Parts& p) {
  queue_ops::QueueOps ops;
  ops.redis = p.redis.get();
  ops.queues = p.config.queue.queues;
  ops.clock = &p.clock;
  ops.scheduler = p.scheduler.get();
  if (auto st = queue_ops::register_queue_commands(p.commands, ops); !st) return st;

  p.queue_metrics = queue_ops::register_queue_metrics(p.metrics, *p.redis, p.config.queue.queues);
  for (auto& processor : p.processors) p.queue_metrics->watch(*processor);
  // start_work builds one recoverer per configured queue, in the same order.
  for (std::size_t i = 0; i < p.recoverers.size() && i < p.config.queue.queues.size(); ++i)
    p.queue_metrics->watch(*p.recoverers[i], p.config.queue.queues[i]);
  p.run_background("queue metrics", p.queue_metrics->run(depth_refresh), [&p] { p.queue_metrics->stop(); });
  return {};
}

}  // namespace blazed::app
