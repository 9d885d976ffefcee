// Owns the declaration of the queue engine's control commands (commands.cpp): jobs.*, queues.*
// and schedules.*.
#pragma once

#include "control/registry.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

#include <string>
#include <vector>

namespace blazed::redis {
class RedisClient;
}
namespace blazed::schedule {
class Scheduler;
}

namespace blazed::queue_ops {

// What the queue commands need. Pointers must outlive the control server's work.
struct QueueOps {
  redis::RedisClient* redis = nullptr;     // commands run on its executor
  std::vector<std::string> queues;         // the queues operators may address (the first is the default)
  const Clock* clock = &SystemClock::instance();
  schedule::Scheduler* scheduler = nullptr;  // null: the schedules.* commands answer "unavailable"
};

// Registers jobs.list, jobs.show, jobs.retry, jobs.delete, queues.list, queues.pause,
// queues.resume, schedules.list and schedules.trigger (docs/control-protocol.md).
Status register_queue_commands(control::CommandRegistry& registry, const QueueOps& ops);

}  // namespace blazed::queue_ops
