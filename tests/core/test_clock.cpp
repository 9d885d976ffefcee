// Tests the clocks' waits: a ManualClock completes them when advanced past their time (from any
// thread), cancellation ends them at once, and the SystemClock's wait completes and cancels.
#include "core/clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <optional>
#include <thread>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using blazed::Clock;
using blazed::ManualClock;
using blazed::SystemClock;
using boost::system::error_code;

namespace {

// Starts a wait for `d` on `clock`; its outcome lands in `out`.
void start_wait(asio::io_context& io, const Clock& clock, Clock::duration d,
                std::optional<error_code>& out, asio::cancellation_slot slot = {}) {
  clock.wait_for(io.get_executor(), d,
                 asio::bind_cancellation_slot(slot, [&out](error_code ec) { out = ec; }));
}

// One wait on a ManualClock, and where its outcome lands.
struct ManualWait {
  asio::io_context io;
  ManualClock clock;
  std::optional<error_code> done;
};

}  // namespace

TEST_CASE_METHOD(ManualWait, "a ManualClock wait completes once the clock passes its time") {
  start_wait(io, clock, 10s, done);
  io.poll();
  CHECK_FALSE(done);
  CHECK(clock.waiting() == 1);
  clock.advance(9s);
  io.poll();
  CHECK_FALSE(done);
  clock.advance(1s);
  io.poll();
  REQUIRE(done);
  CHECK_FALSE(*done);
  CHECK(clock.waiting() == 0);
}

TEST_CASE_METHOD(ManualWait, "a ManualClock wait whose time has come completes without an advance") {
  start_wait(io, clock, 0s, done);
  io.poll();
  REQUIRE(done);
  CHECK_FALSE(*done);
}

TEST_CASE("set() completes the waits it passes and only those") {
  asio::io_context io;
  ManualClock clock;
  std::optional<error_code> near, far;
  start_wait(io, clock, 1min, near);
  start_wait(io, clock, 1h, far);
  clock.set(clock.now() + 2min);
  io.poll();
  CHECK(near);
  CHECK_FALSE(far);
}

TEST_CASE_METHOD(ManualWait, "a cancelled ManualClock wait ends at once, aborted, and an advance does not fire it") {
  asio::cancellation_signal cancel;
  start_wait(io, clock, 1h, done, cancel.slot());
  io.poll();
  cancel.emit(asio::cancellation_type::terminal);
  io.poll();
  REQUIRE(done);
  CHECK(*done == asio::error::operation_aborted);
  CHECK(clock.waiting() == 0);
  done.reset();
  clock.advance(2h);
  io.poll();
  CHECK_FALSE(done);
}

TEST_CASE_METHOD(ManualWait, "a ManualClock wait keeps its io_context running, and advance() may come from another thread") {
  start_wait(io, clock, 1h, done);
  std::thread runner([&] { io.run(); });  // returns only once the wait has completed
  while (clock.waiting() == 0) std::this_thread::yield();
  clock.advance(1h);
  runner.join();
  REQUIRE(done);
  CHECK_FALSE(*done);
}

TEST_CASE("the loser of an awaitable race on a ManualClock is cancelled") {
  using namespace asio::experimental::awaitable_operators;
  asio::io_context io;
  ManualClock clock;
  std::optional<std::size_t> winner;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto r = co_await (clock.wait_for(ex, 1h, asio::as_tuple(asio::use_awaitable)) ||
                           clock.wait_for(ex, 1min, asio::as_tuple(asio::use_awaitable)));
        winner = r.index();
      },
      asio::detached);
  io.poll();
  CHECK(clock.waiting() == 2);
  clock.advance(1min);
  io.poll();
  CHECK(winner == 1u);
  CHECK(clock.waiting() == 0);
}

TEST_CASE("a SystemClock wait completes, and is aborted when cancelled") {
  asio::io_context io;
  const Clock& clock = SystemClock::instance();
  std::optional<error_code> short_wait, cancelled;
  asio::cancellation_signal cancel;
  start_wait(io, clock, 1ms, short_wait);
  start_wait(io, clock, 1h, cancelled, cancel.slot());
  io.run_one();  // the short wait (no timing asserted: it only has to come)
  REQUIRE(short_wait);
  CHECK_FALSE(*short_wait);
  cancel.emit(asio::cancellation_type::terminal);
  io.run();
  REQUIRE(cancelled);
  CHECK(*cancelled == asio::error::operation_aborted);
}

TEST_CASE("a signal emitted after a SystemClock wait ended finds nothing to cancel") {
  // A loop's stop() emits its wake signal after its last wait may have completed: the slot must
  // not still hold the freed timer's cancellation handler.
  asio::io_context io;
  std::optional<error_code> done;
  asio::cancellation_signal wake;
  start_wait(io, SystemClock::instance(), 1ms, done, wake.slot());
  io.run();
  REQUIRE(done);
  CHECK_FALSE(*done);
  wake.emit(asio::cancellation_type::terminal);  // a use after free (ASan) before the slot was cleared
}
