// Owns the declarations of the control commands each area registers (one commands_AREA.cpp
// each); the composition root calls them after the built-in commands.
#pragma once

#include "control/registry.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "jobs/job_context.hpp"

#include <string>
#include <vector>

namespace blazed::redis {
class RedisClient;
}
namespace blazed::queue {
class Scheduler;
}

namespace blazed::server {

// keys.status, keys.rotate, and (through register_seller_token_commands) sellers.connect and
// sellers.disconnect (docs/control-protocol.md). `ctx` must outlive the control server.
Status register_keys_commands(control::CommandRegistry& registry, jobs::JobContext& ctx);

// sellers.connect (seal and store a refresh token) and sellers.disconnect (delete it at once).
Status register_seller_token_commands(control::CommandRegistry& registry, jobs::JobContext& ctx);

// What the queue commands need. Pointers must outlive the control server's work.
struct QueueOps {
  redis::RedisClient* redis = nullptr;     // commands run on its executor
  std::vector<std::string> queues;         // the queues operators may address (the first is the default)
  const Clock* clock = &SystemClock::instance();
  queue::Scheduler* scheduler = nullptr;   // null: the schedules.* commands answer "unavailable"
};

// Registers jobs.list, jobs.show, jobs.retry, jobs.delete, queues.list, queues.pause,
// queues.resume, schedules.list and schedules.trigger (docs/control-protocol.md).
Status register_queue_commands(control::CommandRegistry& registry, const QueueOps& ops);
// `sellers.list` (every seller: status, per data type last sync, cursor lag, last error) and
// `sync` (args seller, data = orders|transactions|all: enqueue a seller_sync now; a second
// request while one is queued reports already_queued). Defined in commands_sync.cpp.
Status register_sync_commands(control::CommandRegistry& registry, jobs::JobContext& ctx);

}  // namespace blazed::server
