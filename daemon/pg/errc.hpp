// Owns the error codes of daemon/pg: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::pg::errc {

BLAZED_ERROR_CODES("daemon/pg",
    pg_unavailable, pg_stopped, pg_error, pg_tx_aborted, pg_decode, invalid_numeric,
    pg_statement_timeout, pg_lock_timeout, pg_unique_violation, pg_foreign_key_violation,
    pg_not_null_violation, pg_check_violation, pg_constraint_violation,
    pg_serialization_failure, pg_deadlock, pg_raised, pg_invalid_data, pg_bad_statement,
    schema_behind, migration_checksum_mismatch, pg_runtime_role, audit_invalid, audit_pii,
    audit_retention);

}  // namespace blazed::pg::errc
