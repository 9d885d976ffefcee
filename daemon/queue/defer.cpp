// Owns encoding and decoding the time a deferral carries (in the Error message: "until MS: why").
#include "queue/defer.hpp"

#include <charconv>
#include <string>

namespace blazed::queue {

namespace {
constexpr std::string_view prefix = "until ";
}

Error defer_until(Clock::time_point when, std::string_view why) {
  return Error{std::string(defer_code),
               std::string(prefix) + std::to_string(unix_millis(when)) + ": " + std::string(why)};
}

std::optional<std::int64_t> deferred_until_ms(const Error& e) {
  if (e.code != defer_code) return std::nullopt;
  // find(), not a prefix check: Error::context() may have put an operation name in front.
  std::string_view m = e.message;
  auto at = m.find(prefix);
  if (at == std::string_view::npos) return std::nullopt;
  m.remove_prefix(at + prefix.size());
  std::int64_t ms = 0;
  auto [end, ec] = std::from_chars(m.data(), m.data() + m.size(), ms);
  if (ec != std::errc{} || end == m.data()) return std::nullopt;
  return ms;
}

}  // namespace blazed::queue
