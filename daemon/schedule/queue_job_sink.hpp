// Owns QueueJobSink: the JobSink that enqueues into the Redis job queue, one queue::Producer per
// queue name, made on first use.
#pragma once

#include "core/clock.hpp"
#include "schedule/job_sink.hpp"
#include "queue/producer.hpp"
#include "redis/client.hpp"

#include <map>
#include <string>

namespace blazed::schedule {

class QueueJobSink final : public JobSink {
 public:
  QueueJobSink(redis::RedisClient& redis, const Clock& clock) : redis_(redis), clock_(clock) {}

  // The producer of a queue, made on first use. Fails "bad_queue_name" for a name the queue
  // rejects. The pointer stays valid for the sink's lifetime.
  Result<queue::Producer*> producer(std::string_view queue);

  // Fails "bad_queue_name" for a name the queue rejects.
  boost::asio::awaitable<Result<queue::Enqueued>> enqueue(std::string_view queue, queue::NewJob job) override;

 private:
  redis::RedisClient& redis_;
  const Clock& clock_;
  std::map<std::string, queue::Producer, std::less<>> producers_;
};

}  // namespace blazed::schedule
