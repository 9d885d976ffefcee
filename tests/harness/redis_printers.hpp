// Owns how Catch2 prints Error, Reply and reply lists in failed assertions (type and size only,
// never payload bytes); Result<T> prints through catch_result.hpp.
#pragma once

#include "core/error.hpp"
#include "harness/catch_result.hpp"
#include "redis/endpoint.hpp"
#include "redis/reply.hpp"

#include <catch2/catch.hpp>

#include <ostream>
#include <vector>

namespace blazed {
inline std::ostream& operator<<(std::ostream& os, const Error& e) {
  return os << e.code << ": " << e.message;
}
}  // namespace blazed

namespace blazed::redis {
inline std::ostream& operator<<(std::ostream& os, const Reply& r) {
  os << describe(r);
  if (r.is_error() || r.is_status()) os << " " << r.str();
  return os;
}
inline std::ostream& operator<<(std::ostream& os, const Endpoint& e) { return os << e.describe(); }
inline std::ostream& operator<<(std::ostream& os, const std::vector<Reply>& v) {
  return os << "replies(" << v.size() << ")";
}
}  // namespace blazed::redis
