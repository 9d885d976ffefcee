// Owns the Periodic loop coroutine.
#include "queue/periodic.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace blazed::queue {

namespace asio = boost::asio;

void Periodic::start(std::chrono::milliseconds interval,
                     std::function<asio::awaitable<void>()> pass) {
  // The loop holds the state and the pass, not the owner: it ends at the next wake-up after stop().
  asio::co_spawn(
      state_->timer.get_executor(),
      [state = state_, interval, pass = std::move(pass)]() -> asio::awaitable<void> {
        while (!state->stopped) {
          co_await pass();
          if (state->stopped) break;
          state->timer.expires_after(interval);
          co_await state->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
      },
      asio::detached);
}

void Periodic::stop() {
  state_->stopped = true;
  state_->timer.cancel();
}

}  // namespace blazed::queue
