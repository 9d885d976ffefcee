// Owns the SQLSTATE -> error code table and the scrubbing of server messages.
#include "pg/errors.hpp"

#include "core/errc.hpp"
#include "pg/errc.hpp"

#include <libpq-fe.h>

namespace blazed::pg {
namespace {

constexpr std::string_view kMarker = "(SQLSTATE ";

// Replaces every "quoted" run with "?" so values echoed by the server stay out of the message.
std::string scrub_quotes(std::string_view text) {
  std::string out;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') {
      if (!quoted) out += "\"?\"";
      quoted = !quoted;
      continue;
    }
    if (!quoted) out += c;
  }
  return out;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (char& c : out)
    if (c == '\n') c = ' ';
  return out;
}

}  // namespace

std::string_view sqlstate(const Error& e) {
  auto pos = e.message.rfind(kMarker);
  if (pos == std::string::npos || pos + kMarker.size() + 5 > e.message.size()) return {};
  return std::string_view(e.message).substr(pos + kMarker.size(), 5);
}

bool is_connection_error(const Error& e) {
  return e.code == errc::pg_unavailable || e.code == blazed::errc::timeout || e.code == errc::pg_stopped ||
         e.code == blazed::errc::cancelled;
}

bool is_certificate_rejection(const Error& e) {
  if (e.code != errc::pg_unavailable) return false;
  // libpq's own wording (fe-secure-openssl.c, fe-secure-common.c); it has no error code for them.
  constexpr std::string_view kReasons[] = {"certificate verify failed", "does not match host name",
                                           "root certificate file"};
  for (std::string_view reason : kReasons)
    if (e.message.find(reason) != std::string::npos) return true;
  return false;
}

namespace detail {

ErrorCode code_for_sqlstate(std::string_view s) {
  if (s.size() != 5) return errc::pg_unavailable;  // no SQLSTATE: the connection itself failed
  if (s == "57014") return errc::pg_statement_timeout;
  if (s == "55P03") return errc::pg_lock_timeout;
  if (s == "23505") return errc::pg_unique_violation;
  if (s == "23503") return errc::pg_foreign_key_violation;
  if (s == "23502") return errc::pg_not_null_violation;
  if (s == "23514") return errc::pg_check_violation;
  if (s == "40001") return errc::pg_serialization_failure;
  if (s == "40P01") return errc::pg_deadlock;
  if (s == "25P02") return errc::pg_tx_aborted;
  if (s == "P0001") return errc::pg_raised;
  if (s == "53300" || s.starts_with("57P")) return errc::pg_unavailable;
  std::string_view cls = s.substr(0, 2);
  if (cls == "08") return errc::pg_unavailable;
  if (cls == "23") return errc::pg_constraint_violation;
  if (cls == "22") return errc::pg_invalid_data;
  if (cls == "42") return errc::pg_bad_statement;
  return errc::pg_error;
}

Error error_from_result(const pg_result* result) {
  auto field = [&](int code) -> std::string_view {
    const char* v = PQresultErrorField(result, code);
    return v != nullptr ? v : "";
  };
  std::string_view state = field(PG_DIAG_SQLSTATE);
  std::string_view primary = field(PG_DIAG_MESSAGE_PRIMARY);
  if (primary.empty()) primary = PQresultErrorMessage(result);
  std::string message = state.starts_with("42") ? one_line(primary) : scrub_quotes(one_line(primary));
  if (message.empty()) message = "statement failed";
  // Schema names only (never DETAIL, which quotes key values).
  for (auto [label, code] : {std::pair{"table", PG_DIAG_TABLE_NAME},
                             std::pair{"column", PG_DIAG_COLUMN_NAME},
                             std::pair{"constraint", PG_DIAG_CONSTRAINT_NAME}}) {
    if (auto v = field(code); !v.empty()) message += std::string(", ") + label + " " + std::string(v);
  }
  if (!state.empty()) message += " " + std::string(kMarker) + std::string(state) + ")";
  return make_error(code_for_sqlstate(state), message);
}

}  // namespace detail
}  // namespace blazed::pg
