// Owns the declaration of the sync duty's control commands (sync_commands.cpp).
#pragma once

#include "control/registry.hpp"
#include "core/error.hpp"
#include "jobs/job_context.hpp"

namespace blazed::jobs::sync {

// `sellers.list` (every seller: status, per data type last sync, cursor lag, last error) and
// `sync` (args seller, data = orders|transactions|all: enqueue a seller_sync now; a second
// request while one is queued reports already_queued). `ctx` must outlive the control server.
Status register_sync_commands(control::CommandRegistry& registry, JobContext& ctx);

}  // namespace blazed::jobs::sync
