// Owns run_coro(): runs one test coroutine on an io_context to completion, rethrowing what it threw
// (so Catch assertions inside coroutines work), then stops everything else on that context.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>

namespace blazed::testing {

template <class T>
void run_coro(boost::asio::io_context& io, boost::asio::awaitable<T> coro) {
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(coro), [&](std::exception_ptr e, auto&&...) {
    error = e;
    io.stop();  // test servers keep listening; the test is over when its coroutine is
  });
  io.run();
  io.restart();
  if (error) std::rethrow_exception(error);
}

}  // namespace blazed::testing
