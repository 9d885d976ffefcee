// Owns the clocks' waits: SystemClock's on a steady timer, ManualClock's completed by advance().
#include "core/clock.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/consign.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/steady_timer.hpp>

#include <vector>

namespace blazed {

namespace asio = boost::asio;

void SystemClock::start_wait(const asio::any_io_executor& ex, time_point t,
                             WaitHandler handler) const {
  const auto left = t - now();
  auto timer = std::make_shared<asio::steady_timer>(ex, std::chrono::duration_cast<asio::steady_timer::duration>(left));
  // The timer's own per-operation cancellation takes the handler's slot.
  timer->async_wait(asio::consign(std::move(handler), timer));
}

// Pending waits by id. A wait leaves the map exactly once: by advance() (success) or by its
// cancellation (aborted); its completion is then posted to its executor, which also clears the
// cancellation slot (slots belong to the waiter's thread).
struct ManualClock::Waiters {
  struct Wait {
    time_point at;
    asio::any_io_executor ex;  // tracks work, like a pending timer
    WaitHandler handler;
  };
  std::mutex mutex;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, Wait> pending;

  static void complete(Wait w, boost::system::error_code ec) {
    auto ex = w.ex;
    asio::post(ex, [w = std::move(w), ec]() mutable {
      auto slot = asio::get_associated_cancellation_slot(w.handler);
      if (slot.is_connected()) slot.clear();
      std::move(w.handler)(ec);
    });
  }
  // Installed in a wait's cancellation slot.
  struct Canceller {
    Canceller(std::weak_ptr<Waiters> w, std::uint64_t i) : waiters(std::move(w)), id(i) {}
    void operator()(asio::cancellation_type) const {
      if (auto alive = waiters.lock()) alive->cancel(id);
    }
    std::weak_ptr<Waiters> waiters;
    std::uint64_t id;
  };
  void cancel(std::uint64_t id) {
    std::unique_lock lock(mutex);
    auto it = pending.find(id);
    if (it == pending.end()) return;  // already completed by advance(): its completion is posted
    Wait w = std::move(it->second);
    pending.erase(it);
    lock.unlock();
    complete(std::move(w), asio::error::operation_aborted);
  }
};

ManualClock::ManualClock(time_point start)
    : now_(start.time_since_epoch().count()), waiters_(std::make_shared<Waiters>()) {}

// Pending waits are dropped without completing, as an io_context drops a timer's handler when it
// is destroyed first.
ManualClock::~ManualClock() = default;

void ManualClock::advance(duration d) {
  now_ += d.count();
  fire_due();
}

void ManualClock::set(time_point t) {
  now_ = t.time_since_epoch().count();
  fire_due();
}

std::size_t ManualClock::waiting() const {
  std::lock_guard lock(waiters_->mutex);
  return waiters_->pending.size();
}

void ManualClock::fire_due() {
  std::vector<Waiters::Wait> due;
  {
    std::lock_guard lock(waiters_->mutex);
    const time_point t = now();
    for (auto it = waiters_->pending.begin(); it != waiters_->pending.end();) {
      if (it->second.at <= t) {
        due.push_back(std::move(it->second));
        it = waiters_->pending.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& w : due) Waiters::complete(std::move(w), {});
}

void ManualClock::start_wait(const asio::any_io_executor& ex, time_point t,
                             WaitHandler handler) const {
  auto slot = asio::get_associated_cancellation_slot(handler);
  Waiters::Wait w{t, asio::prefer(ex, asio::execution::outstanding_work.tracked),
                  std::move(handler)};
  std::unique_lock lock(waiters_->mutex);
  if (t <= now()) {
    lock.unlock();
    Waiters::complete(std::move(w), {});
    return;
  }
  const std::uint64_t id = waiters_->next_id++;
  waiters_->pending.emplace(id, std::move(w));
  lock.unlock();
  // Installed on the waiter's thread before any completion of this wait can run there.
  if (slot.is_connected()) {
    slot.emplace<Waiters::Canceller>(std::weak_ptr<Waiters>(waiters_), id);
  }
}

}  // namespace blazed
