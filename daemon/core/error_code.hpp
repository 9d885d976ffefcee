// Owns ErrorCode: the name of one error code, declared once in its folder's errc.hpp
// (blazed::errc for the shared ones) and listed in docs/errors.md; and BLAZED_ERROR_CODES, the
// one-list form those files declare their codes in.
#pragma once

#include <string>
#include <string_view>

namespace blazed {

// `name` is what travels in Error::code: replies, Redis, logs and metric labels. It converts to
// that string, so `make_error(pg::errc::pg_unavailable, ...)` builds an Error as before.
struct ErrorCode {
  std::string_view name;
  std::string_view domain;  // the folder that declares it, e.g. "daemon/pg" or "jobs/sync"

  operator std::string() const { return std::string(name); }
  friend constexpr bool operator==(ErrorCode a, ErrorCode b) { return a.name == b.name; }
};

// Lets a code held as a string (Error::code) compare with a declared one: `e.code == errc::x`.
inline bool operator==(const std::string& code, ErrorCode c) { return code == c.name; }

}  // namespace blazed

// `BLAZED_ERROR_CODES("daemon/pg", pg_unavailable, pg_query)` inside a folder's errc namespace
// declares `inline constexpr ErrorCode pg_unavailable{"pg_unavailable", "daemon/pg"};` for each
// name: a code's string is its name, so the two cannot drift. tests/core/test_errors_doc.cpp reads
// these lists from the errc.hpp files and checks them against docs/errors.md.
#define BLAZED_ERROR_CODES(domain, ...) \
  BLAZED_ERRC_FOR_EACH(BLAZED_ERRC_DECLARE, domain, __VA_ARGS__) static_assert(true)

#define BLAZED_ERRC_DECLARE(domain, name) \
  inline constexpr ::blazed::ErrorCode name{#name, domain};

// Applies `macro(domain, name)` to each name: every BLAZED_ERRC_RESCAN level multiplies the
// preprocessor's rescans by four, so four levels take up to 256 names.
#define BLAZED_ERRC_FOR_EACH(macro, domain, ...) \
  __VA_OPT__(BLAZED_ERRC_RESCAN4(BLAZED_ERRC_STEP(macro, domain, __VA_ARGS__)))
#define BLAZED_ERRC_STEP(macro, domain, first, ...) \
  macro(domain, first) __VA_OPT__(BLAZED_ERRC_STEP_AGAIN BLAZED_ERRC_PARENS(macro, domain, __VA_ARGS__))
#define BLAZED_ERRC_PARENS ()
#define BLAZED_ERRC_STEP_AGAIN() BLAZED_ERRC_STEP
#define BLAZED_ERRC_RESCAN4(...) BLAZED_ERRC_RESCAN3(BLAZED_ERRC_RESCAN3(BLAZED_ERRC_RESCAN3(BLAZED_ERRC_RESCAN3(__VA_ARGS__))))
#define BLAZED_ERRC_RESCAN3(...) BLAZED_ERRC_RESCAN2(BLAZED_ERRC_RESCAN2(BLAZED_ERRC_RESCAN2(BLAZED_ERRC_RESCAN2(__VA_ARGS__))))
#define BLAZED_ERRC_RESCAN2(...) BLAZED_ERRC_RESCAN1(BLAZED_ERRC_RESCAN1(BLAZED_ERRC_RESCAN1(BLAZED_ERRC_RESCAN1(__VA_ARGS__))))
#define BLAZED_ERRC_RESCAN1(...) __VA_ARGS__
