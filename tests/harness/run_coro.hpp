// Owns run_coro(): runs one coroutine to completion on a test's io_context and returns its value
// (rethrowing its exception), while everything else on that context keeps running.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <future>

namespace blazed::testing {

template <class T>
T run_coro(boost::asio::io_context& io, boost::asio::awaitable<T> coro) {
  auto f = boost::asio::co_spawn(io, std::move(coro), boost::asio::use_future);
  io.restart();
  while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (io.run_one() == 0) io.restart();  // no work at all: the future is about to be ready
  }
  return f.get();
}

}  // namespace blazed::testing

namespace blazed::testing {

// Runs `io` until `done()` holds. `guard` only turns a hang into a test failure (false); tests
// never rely on it for timing.
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done,
               std::chrono::seconds guard = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + guard;
  io.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.run_one_for(std::chrono::milliseconds(100));
  }
  return true;
}

}  // namespace blazed::testing
