// Owns QueueAdmin: the operator's writes to a queue: pause and resume (state in Redis, so every
// instance obeys), retry a dead job (attempts reset) and delete a job that is not running.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "queue/keys.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>

namespace blazed::queue {

using boost::asio::awaitable;

class QueueAdmin {
 public:
  // `client` and `clock` must outlive the admin.
  QueueAdmin(redis::RedisClient& client, QueueKeys keys, const Clock& clock);

  // Processors of every instance stop claiming from the queue (running jobs finish and ack).
  awaitable<Status> pause();
  // Claims resume; idle processors are woken. True when the queue was paused.
  awaitable<Result<bool>> resume();
  // A dead job back to pending with its attempts reset. Fails with "not_found" when the job is
  // not dead, "conflict" when another live job holds its unique key.
  awaitable<Status> retry_dead(std::int64_t id);
  // Deletes a pending, scheduled, retrying or dead job. Fails with "not_found", or "conflict"
  // when the job is running or waiting for its group.
  awaitable<Status> remove(std::int64_t id);

 private:
  redis::RedisClient& client_;
  QueueKeys keys_;
  const Clock& clock_;
};

}  // namespace blazed::queue
