// Owns the Periodic loop coroutine.
#include "core/periodic.hpp"

#include "core/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace blazed {

namespace asio = boost::asio;

void Periodic::start(std::chrono::milliseconds interval, Labels labels,
                     std::function<asio::awaitable<Status>()> pass) {
  // The loop holds the state and the pass, not the owner: it ends at the next wake-up after stop().
  asio::co_spawn(
      state_->ex,
      [state = state_, interval, labels = std::move(labels),
       pass = std::move(pass)]() -> asio::awaitable<void> {
        while (!state->stopped) {
          Status st = co_await pass();
          if (state->stopped) break;
          if (!st)
            log::Logger(labels.component)
                .warn(labels.duty + " failed",
                      {{labels.subject_key, labels.subject}, {"code", st.error().code}});
          co_await state->clock.wait_for(
              state->ex, interval,
              asio::bind_cancellation_slot(state->wake.slot(), asio::as_tuple(asio::use_awaitable)));
        }
      },
      asio::detached);
}

void Periodic::stop() {
  state_->stopped = true;
  state_->wake.emit(boost::asio::cancellation_type::terminal);
}

}  // namespace blazed
