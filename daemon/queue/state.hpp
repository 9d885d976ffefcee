// Owns the job state words. They mean the same in code, Redis keys, stats and docs:
//   pending    ready to run, waiting for a worker (includes jobs waiting for their group)
//   active     claimed by a worker under a lease that is renewed while it runs
//   scheduled  enqueued to run at a later time
//   retry      failed an attempt, waiting for its backoff to elapse
//   dead       out of attempts, unknown type, or dead on purpose; keeps reason and last error
//   completed  acked: the handler succeeded and the job is gone (no retention)
#pragma once

#include <string_view>

namespace blazed::queue {

enum class State { pending, active, scheduled, retry, dead, completed };

constexpr std::string_view state_name(State s) {
  switch (s) {
    case State::pending: return "pending";
    case State::active: return "active";
    case State::scheduled: return "scheduled";
    case State::retry: return "retry";
    case State::dead: return "dead";
    case State::completed: return "completed";
  }
  return "unknown";
}

}  // namespace blazed::queue
