// Owns routing a scheduled job to the Producer of its queue.
#include "queue/queue_job_sink.hpp"

namespace blazed::queue {

boost::asio::awaitable<Result<Enqueued>> QueueJobSink::enqueue(std::string_view queue, NewJob job) {
  auto it = producers_.find(queue);
  if (it == producers_.end()) {
    auto keys = QueueKeys::make(queue);
    if (!keys) co_return keys.error();
    it = producers_.emplace(std::string(queue), Producer(redis_, std::move(*keys), clock_)).first;
  }
  co_return co_await it->second.enqueue(std::move(job.type), std::move(job.payload), std::move(job.options));
}

}  // namespace blazed::queue
