// Owns how PostgreSQL failures become blazed::Error: stable codes by SQLSTATE, and messages that
// keep the SQLSTATE and schema names but never a parameter value.
//
// Codes: pg_unavailable (connection lost/refused, server shutting down, too many connections),
// timeout (no answer within the client deadline), pg_statement_timeout (57014),
// pg_lock_timeout (55P03), pg_unique_violation (23505), pg_foreign_key_violation (23503),
// pg_not_null_violation (23502), pg_check_violation (23514), pg_constraint_violation (other 23),
// pg_serialization_failure (40001), pg_deadlock (40P01), pg_invalid_data (22), pg_tx_aborted
// (25P02, or COMMIT of a failed transaction), pg_bad_statement (42: syntax, missing table...),
// pg_raised (P0001, RAISE in a trigger or function), pg_error (anything else), pg_decode (a column
// did not convert), pg_stopped (the pool was stopped), cancelled (the caller's coroutine was
// cancelled mid-statement; the connection is dropped).
#pragma once

#include "core/error.hpp"
#include "core/error_code.hpp"

#include <string>
#include <string_view>

struct pg_result;

namespace blazed::pg {

// The SQLSTATE an error came with ("23505"), or empty when it did not come from the server.
std::string_view sqlstate(const Error& e);

// True for failures after which the connection cannot be trusted (the pool drops it).
bool is_connection_error(const Error& e);

// True when a connect failed because libpq rejected the server's certificate (sslmode=verify-ca or
// verify-full: another CA than sslrootcert, sslrootcert missing, or a name that is not the host):
// every attempt fails the same way until the DSN or the server certificate changes. The code stays
// pg_unavailable (at run time it is an outage like any other); start-up calls it a config error.
[[nodiscard]] bool is_certificate_rejection(const Error& e);

namespace detail {
ErrorCode code_for_sqlstate(std::string_view state);
// Builds the Error for a failed result; quoted text in the server's message is dropped unless it
// is a statement error (class 42), since data errors quote the offending value.
Error error_from_result(const pg_result* result);
}  // namespace detail

}  // namespace blazed::pg
