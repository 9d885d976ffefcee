// Owns Handoff: a bounded queue of byte buffers between the event loop and one worker thread, so
// that blocking work (a child's pipe, zstd, AES-GCM) stays off the loop while memory stays bounded.
// The thread side blocks; the loop side awaits. Either side may cancel; the thread never needs
// the loop to be running to notice it.
#pragma once

#include "crypto/hex.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace blazed::jobs::backup {

using Bytes = crypto::Bytes;

class Handoff {
 public:
  Handoff(boost::asio::any_io_executor executor, std::size_t capacity);

  // Thread side. push: false once cancelled. pop: nullopt at the end (closed and drained) or
  // once cancelled.
  bool push(Bytes piece);
  std::optional<Bytes> pop();

  // Loop side, the same contracts.
  boost::asio::awaitable<bool> async_push(Bytes piece);
  boost::asio::awaitable<std::optional<Bytes>> async_pop();

  // The producer is done: pop() drains what is queued, then ends.
  void close();
  // Stop now: queued pieces are dropped, both sides' waits end.
  void cancel();
  // The consuming thread is done (its last act); the loop awaits it without blocking.
  void mark_done();
  boost::asio::awaitable<void> async_wait_done();
  [[nodiscard]] bool cancelled() const;

 private:
  void ring();  // wakes the loop side (one pending wake is enough)
  // False when the wait was cancelled (the Handoff is then cancelled too).
  boost::asio::awaitable<bool> wait_for_ring();

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Bytes> queue_;
  std::size_t capacity_;
  bool closed_ = false;
  bool cancelled_ = false;
  bool done_ = false;
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> bell_;
};

}  // namespace blazed::jobs::backup
