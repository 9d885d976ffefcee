// Owns the audit export for an auditor: `audit.export` (read-only) answers one page of events in
// time order, with a cursor for the next page, so blazectl streams any period as JSON lines with
// bounded memory on both sides; and the JSON form of one event.
#pragma once

#include "core/error.hpp"
#include "jobs/job_context.hpp"
#include "pg/audit.hpp"

#include <boost/json/object.hpp>

namespace blazed::control {
class CommandRegistry;
}

namespace blazed::jobs::audit {

// The page size when the request names none, and the most a request may ask for.
inline constexpr int kExportPage = 500;
inline constexpr int kExportPageMax = 5000;

// One event as an export line: id, occurred_at (ISO 8601, UTC), actor, action, seller_id,
// data_type, rows, outcome, detail, request_ids. An event whose text would be masked by the
// redaction pass (it cannot be written so; this holds for rows written around record_audit too)
// has its detail and request ids withheld.
boost::json::object export_line(const pg::AuditRecord& record);

Status register_audit_commands(control::CommandRegistry& registry, JobContext& ctx);

}  // namespace blazed::jobs::audit
