// Owns the deferral outcome of a handler: encoding the retry time in the Error and reading it back.
#include "queue/handlers.hpp"

#include <charconv>

namespace blazed::queue {

// The message starts with the Unix milliseconds so the processor can read the time back; the
// rest is the reason, which becomes the job's last error like any other.
Error defer_until(Clock::time_point at, std::string_view why) {
  return Error{std::string(kDeferredCode), std::to_string(unix_millis(at)) + " " + std::string(why)};
}

std::optional<Clock::time_point> deferred_until(const Error& error) {
  if (error.code != kDeferredCode) return std::nullopt;
  std::int64_t ms = 0;
  const char* first = error.message.data();
  const char* last = first + error.message.size();
  auto [end, ec] = std::from_chars(first, last, ms);
  if (ec != std::errc{} || end == first) return std::nullopt;
  return Clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace blazed::queue
