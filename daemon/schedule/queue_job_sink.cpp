// Owns routing a scheduled job to the queue::Producer of its queue.
#include "schedule/queue_job_sink.hpp"

namespace blazed::schedule {

Result<queue::Producer*> QueueJobSink::producer(std::string_view queue) {
  auto it = producers_.find(queue);
  if (it == producers_.end()) {
    auto keys = queue::QueueKeys::make(queue);
    if (!keys) return keys.error();
    it = producers_.emplace(std::string(queue), queue::Producer(redis_, std::move(*keys), clock_)).first;
  }
  return &it->second;
}

boost::asio::awaitable<Result<queue::Enqueued>> QueueJobSink::enqueue(std::string_view queue, queue::NewJob job) {
  auto p = producer(queue);
  if (!p) co_return p.error();
  co_return co_await (*p)->enqueue(std::move(job.type), std::move(job.payload), std::move(job.options));
}

}  // namespace blazed::schedule
