// Owns the error codes of daemon/pg: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::pg::errc {

inline constexpr ErrorCode pg_unavailable{"pg_unavailable", "daemon/pg"};
inline constexpr ErrorCode pg_stopped{"pg_stopped", "daemon/pg"};
inline constexpr ErrorCode pg_error{"pg_error", "daemon/pg"};
inline constexpr ErrorCode pg_tx_aborted{"pg_tx_aborted", "daemon/pg"};
inline constexpr ErrorCode pg_decode{"pg_decode", "daemon/pg"};
inline constexpr ErrorCode invalid_numeric{"invalid_numeric", "daemon/pg"};
inline constexpr ErrorCode pg_statement_timeout{"pg_statement_timeout", "daemon/pg"};
inline constexpr ErrorCode pg_lock_timeout{"pg_lock_timeout", "daemon/pg"};
inline constexpr ErrorCode pg_unique_violation{"pg_unique_violation", "daemon/pg"};
inline constexpr ErrorCode pg_foreign_key_violation{"pg_foreign_key_violation", "daemon/pg"};
inline constexpr ErrorCode pg_not_null_violation{"pg_not_null_violation", "daemon/pg"};
inline constexpr ErrorCode pg_check_violation{"pg_check_violation", "daemon/pg"};
inline constexpr ErrorCode pg_constraint_violation{"pg_constraint_violation", "daemon/pg"};
inline constexpr ErrorCode pg_serialization_failure{"pg_serialization_failure", "daemon/pg"};
inline constexpr ErrorCode pg_deadlock{"pg_deadlock", "daemon/pg"};
inline constexpr ErrorCode pg_raised{"pg_raised", "daemon/pg"};
inline constexpr ErrorCode pg_invalid_data{"pg_invalid_data", "daemon/pg"};
inline constexpr ErrorCode pg_bad_statement{"pg_bad_statement", "daemon/pg"};
inline constexpr ErrorCode schema_behind{"schema_behind", "daemon/pg"};
inline constexpr ErrorCode migration_checksum_mismatch{"migration_checksum_mismatch", "daemon/pg"};
inline constexpr ErrorCode audit_invalid{"audit_invalid", "daemon/pg"};
inline constexpr ErrorCode audit_pii{"audit_pii", "daemon/pg"};
inline constexpr ErrorCode audit_retention{"audit_retention", "daemon/pg"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{
    pg_unavailable, pg_stopped, pg_error, pg_tx_aborted, pg_decode, invalid_numeric,
    pg_statement_timeout, pg_lock_timeout, pg_unique_violation, pg_foreign_key_violation,
    pg_not_null_violation, pg_check_violation, pg_constraint_violation, pg_serialization_failure,
    pg_deadlock, pg_raised, pg_invalid_data, pg_bad_statement, schema_behind,
    migration_checksum_mismatch, audit_invalid, audit_pii, audit_retention
};

}  // namespace blazed::pg::errc
