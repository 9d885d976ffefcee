// Owns JobSink: the one call the scheduler needs from the queue (enqueue into a named queue), so
// scheduler tests can watch, or fail, every enqueue.
#pragma once

#include "core/error.hpp"
#include "queue/job.hpp"

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace blazed::schedule {

class JobSink {
 public:
  virtual ~JobSink() = default;
  // Enqueues one job into `queue`. With a unique_key held by a live job, nothing is added and
  // the result is that job, marked duplicate.
  virtual boost::asio::awaitable<Result<queue::Enqueued>> enqueue(std::string_view queue, queue::NewJob job) = 0;
};

}  // namespace blazed::schedule
