// Owns Producer: enqueueing jobs now, at a time or after a delay, one at a time or in batches
// (one Redis round trip per batch).
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "queue/job.hpp"
#include "queue/keys.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <vector>

namespace blazed::queue {

using boost::asio::awaitable;

class Producer {
 public:
  // `client` and `clock` must outlive the producer.
  Producer(redis::RedisClient& client, QueueKeys keys, const Clock& clock);

  awaitable<Result<Enqueued>> enqueue(std::string type, std::string payload,
                                      EnqueueOptions options = {});
  awaitable<Result<Enqueued>> enqueue_at(std::string type, std::string payload,
                                         Clock::time_point at, EnqueueOptions options = {});
  awaitable<Result<Enqueued>> enqueue_after(std::string type, std::string payload,
                                            Clock::duration delay, EnqueueOptions options = {});
  // All or nothing: one script call adds every job (results in the same order).
  awaitable<Result<std::vector<Enqueued>>> enqueue_batch(const std::vector<NewJob>& jobs);

  [[nodiscard]] const QueueKeys& keys() const noexcept { return keys_; }

 private:
  redis::RedisClient& client_;
  QueueKeys keys_;
  const Clock& clock_;
};

}  // namespace blazed::queue
