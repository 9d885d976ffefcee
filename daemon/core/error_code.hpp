// Owns ErrorCode: the name of one error code, declared once in its folder's errc.hpp
// (blazed::errc for the shared ones) and listed in docs/errors.md.
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
