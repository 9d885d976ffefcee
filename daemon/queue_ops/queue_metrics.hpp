// Owns the queue's Prometheus metrics: depth per queue and state (from a snapshot that a
// coroutine refreshes, never a Redis call on the scrape path), run outcomes, duration and pickup
// histograms from the processors' reports, and lease recoveries.
#pragma once

#include "core/error.hpp"
#include "metrics/registry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace blazed::redis {
class RedisClient;
}
namespace blazed::queue {
class Processor;
class Recoverer;
}  // namespace blazed::queue

namespace blazed::queue_ops {

// Threading: watch(), refresh_once() and run() on the Redis client's executor. The scrape reads
// only atomics (gauges and counters), so it may run on any thread.
class QueueMetrics {
 public:
  QueueMetrics(metrics::Registry& registry, redis::RedisClient& redis,
               std::vector<std::string> queues);
  ~QueueMetrics();
  QueueMetrics(const QueueMetrics&) = delete;
  QueueMetrics& operator=(const QueueMetrics&) = delete;

  // Counts the processor's settled runs (blazed_jobs_total, the two histograms). The processor
  // must not outlive this object's registry.
  void watch(queue::Processor& processor);
  // Adds the recoverer's lease recoveries to blazed_lease_recoveries_total at each refresh. It
  // must outlive this object (or its run() loop).
  void watch(queue::Recoverer& recoverer, const std::string& queue);

  // Reads every queue's depths (one pipelined round trip per queue) into the gauges.
  boost::asio::awaitable<Status> refresh_once();
  // refresh_once() every `interval` until stop(); a failed refresh leaves the last values.
  boost::asio::awaitable<void> run(std::chrono::milliseconds interval);
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Registers the queue metric families and returns what feeds them.
std::unique_ptr<QueueMetrics> register_queue_metrics(metrics::Registry& registry,
                                                     redis::RedisClient& redis,
                                                     std::vector<std::string> queues);

}  // namespace blazed::queue_ops
