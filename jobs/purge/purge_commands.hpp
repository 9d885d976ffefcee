// Owns the purge commands of the control socket: purge.run (enqueue a purge now).
#pragma once

#include "core/error.hpp"
#include "jobs/job_context.hpp"

namespace blazed::control {
class CommandRegistry;
}

namespace blazed::jobs::purge {

Status register_purge_commands(control::CommandRegistry& registry, JobContext& ctx);

}  // namespace blazed::jobs::purge
