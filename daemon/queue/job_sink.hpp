// Owns JobSink: the one call the scheduler needs from the queue (enqueue with a unique key), so
// the scheduler does not depend on the queue's full API.
#pragma once

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace blazed::queue {

class JobSink {
 public:
  virtual ~JobSink() = default;
  // Enqueues one job. While a job with the same unique_key is known to the queue, another
  // enqueue is a no-op that returns false; a new job returns true.
  virtual boost::asio::awaitable<Result<bool>> enqueue(std::string_view type, std::string_view queue,
                                                       std::string_view payload,
                                                       std::string_view unique_key) = 0;
};

}  // namespace blazed::queue
