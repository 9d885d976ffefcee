// Owns eventually(): the one way a test waits for another process (a daemon, Redis, PostgreSQL,
// an io thread) to reach a state it can observe. In-process time is a ManualClock the test
// advances; this is only for what the test cannot drive.
#pragma once

#include <chrono>
#include <thread>

namespace blazed::testing {

// Checks `done` until it holds; false once `hang_guard` has passed. The guard only turns a hang
// into a failure: tests assert the state, never how long it took. The pause between checks
// leaves the (few) cores to the processes being waited for.
template <class Pred>
bool eventually(Pred done, std::chrono::seconds hang_guard = std::chrono::seconds(60),
                std::chrono::milliseconds pause = std::chrono::milliseconds(100)) {
  const auto give_up = std::chrono::steady_clock::now() + hang_guard;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(pause);
  }
  return true;
}

}  // namespace blazed::testing
