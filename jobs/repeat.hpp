// Owns repeat_every: a duty's background pass, run now and then every interval on the injected
// clock until the background work is cancelled (a pass logs its own failures).
#pragma once

#include "core/clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>

namespace blazed::jobs {

inline boost::asio::awaitable<void> repeat_every(const Clock& clock, Clock::duration interval,
                                                 std::function<boost::asio::awaitable<void>()> pass) {
  namespace asio = boost::asio;
  const auto executor = co_await asio::this_coro::executor;
  while (true) {
    co_await pass();
    auto [ec] = co_await clock.wait_for(executor, interval, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

}  // namespace blazed::jobs
