// Owns the declaration of the sync duty's control commands (sync_commands.cpp).
#pragma once

#include "control/registry.hpp"
#include "core/error.hpp"
#include "jobs/job_context.hpp"

namespace blazed::jobs::sync {

// `sellers.list` (args sort = id|lag, default id, and limit: the sellers, per data type last sync,
// cursor lag, last error; by lag = the oldest cursor first, never-synced sellers before all) and
// `sync` (args seller, data = orders|transactions|all: enqueue a seller_sync now; a second
// request while one is queued reports already_queued), and `sellers.show` (arg seller: what
// sellers.list shows of it, its partner id, and per data type its history backfill: status none,
// pending, running or done, how far back it reached, percent, windows, pages, rows, last error).
// `ctx` must outlive the control server.
Status register_sync_commands(control::CommandRegistry& registry, JobContext& ctx);

}  // namespace blazed::jobs::sync
