// Owns the account deletion's commands of the control socket: sellers.delete (a request: the
// seller marked deleting, its token deleted, the deletion queued) and deletions.list (open and
// recent requests with their deadlines, overdue flags and row counts).
#pragma once

#include "core/error.hpp"
#include "jobs/job_context.hpp"

namespace blazed::control {
class CommandRegistry;
}

namespace blazed::jobs::deletion {

Status register_deletion_commands(control::CommandRegistry& registry, JobContext& ctx);

}  // namespace blazed::jobs::deletion
