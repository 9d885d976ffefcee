// Owns blazed's value type for expected failures: Error (a stable code plus a human message)
// and Result<T>, so every fallible operation returns its failure instead of throwing.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace blazed {

// An expected failure. `code` is stable and machine-readable ("timeout", "bad_config",
// "redis_unavailable"...); `message` is for humans and must never carry a secret or PII.
struct Error {
  // A two-argument constructor (not an aggregate) so that Result<std::string> is unambiguous:
  // C++20 would otherwise let a lone string initialise an Error.
  Error() = default;
  Error(std::string c, std::string m) : code(std::move(c)), message(std::move(m)) {}

  std::string code;
  std::string message;

  // Prefixes the message with the operation that failed, keeping the code.
  [[nodiscard]] Error context(std::string_view op) const {
    return Error{code, std::string(op) + ": " + message};
  }
  friend bool operator==(const Error&, const Error&) = default;
};

// Errors print as "code: message" (messages never carry secrets, so this is safe to log).
template <class Stream>
Stream& operator<<(Stream& os, const Error& e) {
  os << e.code << ": " << e.message;
  return os;
}

// Thrown only where a Result is unwrapped with .value() on a failure (start-up, tests).
class ErrorException : public std::runtime_error {
 public:
  explicit ErrorException(Error e)
      : std::runtime_error(e.code + ": " + e.message), error_(std::move(e)) {}
  [[nodiscard]] const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw ErrorException(e);
}

template <class T>
using Result = boost::system::result<T, Error>;

// Result<void> reads better as Status at call sites that only succeed or fail.
using Status = Result<void>;

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

}  // namespace blazed
