// Tests Periodic on a ManualClock: a pass now, the next one only once the interval has passed,
// and stop() ends a sleeping loop at once.
#include "core/periodic.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST_CASE("Periodic runs a pass now and then every interval of its clock, until stopped") {
  asio::io_context io;
  blazed::ManualClock clock;
  int passes = 0;
  {
    blazed::Periodic loop(io.get_executor(), clock);
    loop.start(1min, {"test", "duty", "subject", "x"}, [&]() -> asio::awaitable<blazed::Status> {
      ++passes;
      co_return blazed::Status{};
    });
    io.poll();
    CHECK(passes == 1);
    clock.advance(59s);
    io.poll();
    CHECK(passes == 1);
    clock.advance(1s);
    io.poll();
    CHECK(passes == 2);
    loop.stop();
    // The sleeping loop ends at once: nothing is left for the io_context to run.
    io.restart();
    io.run();
    CHECK(clock.waiting() == 0);
  }
  clock.advance(1h);
  io.restart();
  io.poll();
  CHECK(passes == 2);
}
