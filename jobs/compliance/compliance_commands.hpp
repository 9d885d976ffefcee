// Owns the compliance.report command: the auditor's evidence, section by section of the security
// page, each line pass / warn / fail (docs/compliance.md).
#pragma once

#include "control/registry.hpp"
#include "jobs/job_context.hpp"

namespace blazed::jobs::compliance {

// compliance.report (read-only; args: section, optional, e.g. "2.1"). It runs the other duties'
// read-only commands through `registry`, which must outlive the handler.
Status register_compliance_commands(control::CommandRegistry& registry, JobContext& ctx);

}  // namespace blazed::jobs::compliance
