// Owns Handoff (see handoff.hpp): a mutex and condition variable for the thread side, a
// one-slot channel as the loop side's doorbell.
#include "jobs/backup/handoff.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace blazed::jobs::backup {
namespace asio = boost::asio;

Handoff::Handoff(asio::any_io_executor executor, std::size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity), bell_(std::move(executor), 1) {}

void Handoff::ring() { bell_.try_send(boost::system::error_code{}); }

asio::awaitable<bool> Handoff::wait_for_ring() {
  auto [ec] = co_await bell_.async_receive(asio::as_tuple(asio::use_awaitable));
  if (!ec) co_return true;
  cancel();
  co_return false;
}

bool Handoff::push(Bytes piece) {
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || queue_.size() < capacity_; });
    if (cancelled_) return false;
    queue_.push_back(std::move(piece));
  }
  changed_.notify_all();
  ring();
  return true;
}

std::optional<Bytes> Handoff::pop() {
  std::optional<Bytes> out;
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || closed_ || !queue_.empty(); });
    if (cancelled_ || queue_.empty()) return std::nullopt;
    out = std::move(queue_.front());
    queue_.pop_front();
  }
  changed_.notify_all();
  ring();
  return out;
}

asio::awaitable<bool> Handoff::async_push(Bytes piece) {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (cancelled_) co_return false;
      if (queue_.size() < capacity_) {
        queue_.push_back(std::move(piece));
        break;
      }
    }
    if (!co_await wait_for_ring()) co_return false;
  }
  changed_.notify_all();
  co_return true;
}

asio::awaitable<std::optional<Bytes>> Handoff::async_pop() {
  std::optional<Bytes> out;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (cancelled_) co_return std::nullopt;
      if (!queue_.empty()) {
        out = std::move(queue_.front());
        queue_.pop_front();
        break;
      }
      if (closed_) co_return std::nullopt;
    }
    if (!co_await wait_for_ring()) co_return std::nullopt;
  }
  changed_.notify_all();
  co_return out;
}

void Handoff::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
  ring();
}

void Handoff::cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  ring();
}

void Handoff::mark_done() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  ring();
}

asio::awaitable<void> Handoff::async_wait_done() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (done_) co_return;
    }
    // A cancelled wait still waits: the thread is already told to stop and ends soon.
    co_await bell_.async_receive(asio::as_tuple(asio::use_awaitable));
  }
}

bool Handoff::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

}  // namespace blazed::jobs::backup
