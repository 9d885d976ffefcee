// Owns the declaration of the keys duty's control commands (keys_commands.cpp).
#pragma once

#include "control/registry.hpp"
#include "core/error.hpp"
#include "jobs/job_context.hpp"

namespace blazed::jobs {

// keys.status and keys.rotate (docs/control-protocol.md). `ctx` must outlive the control server.
Status register_keys_commands(control::CommandRegistry& registry, JobContext& ctx);

}  // namespace blazed::jobs
