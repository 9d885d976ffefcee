// Owns Event: a one-waiter wake-up flag for coroutines on one executor (a notify before the wait
// is not lost).
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace blazed::queue {

class Event {
 public:
  explicit Event(const boost::asio::any_io_executor& ex) : timer_(ex) {}

  void notify() {
    set_ = true;
    timer_.cancel();
  }
  // Returns when notified (now, if notified since the last wait) or when `timeout` elapses.
  boost::asio::awaitable<void> wait(std::chrono::steady_clock::duration timeout =
                                        std::chrono::hours(24 * 365)) {
    if (!set_) {
      timer_.expires_after(timeout);
      co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    set_ = false;
  }

 private:
  boost::asio::steady_timer timer_;
  bool set_ = false;
};

}  // namespace blazed::queue
