// Owns routing a scheduled job to the Producer of its queue.
#include "queue/queue_job_sink.hpp"

namespace blazed::queue {

Result<Producer*> QueueJobSink::producer(std::string_view queue) {
  auto it = producers_.find(queue);
  if (it == producers_.end()) {
    auto keys = QueueKeys::make(queue);
    if (!keys) return keys.error();
    it = producers_.emplace(std::string(queue), Producer(redis_, std::move(*keys), clock_)).first;
  }
  return &it->second;
}

boost::asio::awaitable<Result<Enqueued>> QueueJobSink::enqueue(std::string_view queue, NewJob job) {
  auto p = producer(queue);
  if (!p) co_return p.error();
  co_return co_await (*p)->enqueue(std::move(job.type), std::move(job.payload), std::move(job.options));
}

}  // namespace blazed::queue
