// Owns HandlerOutcome: what a job handler tells the processor to do with the job it ran (ack it,
// retry it, bury it in the dead set, or run it again at a given time).
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <string>
#include <utility>
#include <variant>

namespace blazed::queue {

// (The processor's per-run Outcome in stats.hpp names what became of a run; this names what the
// handler asked for.)
struct Done {};
// Fails the attempt: retried after a backoff, or dead once out of attempts.
struct Retry {
  Error error;
};
// Fails the job for good (no retry can help): dead at once.
struct Permanent {
  Error error;
};
// Cannot proceed yet (no rate-limit token, an upstream asking to come back later): the job is
// rescheduled for `until` without counting an attempt, its group released meanwhile.
struct Defer {
  Clock::time_point until;
  std::string reason;  // short, for logs; no secrets or PII
};

class HandlerOutcome {
 public:
  using Kind = std::variant<Done, Retry, Permanent, Defer>;

  HandlerOutcome() = default;  // done
  HandlerOutcome(Done d) : kind_(d) {}
  HandlerOutcome(Retry r) : kind_(std::move(r)) {}
  HandlerOutcome(Permanent p) : kind_(std::move(p)) {}
  HandlerOutcome(Defer d) : kind_(std::move(d)) {}
  // An Error is a failed attempt, as it always was: handlers pass their helpers' errors on as is.
  HandlerOutcome(Error e) : kind_(Retry{std::move(e)}) {}
  HandlerOutcome(const Status& s) : kind_(s ? Kind(Done{}) : Kind(Retry{s.error()})) {}

  [[nodiscard]] const Kind& kind() const noexcept { return kind_; }
  [[nodiscard]] bool is_done() const noexcept { return std::holds_alternative<Done>(kind_); }
  // The error of a retry or a permanent failure; nullptr otherwise.
  [[nodiscard]] const Error* error() const noexcept {
    if (const auto* r = std::get_if<Retry>(&kind_)) return &r->error;
    if (const auto* p = std::get_if<Permanent>(&kind_)) return &p->error;
    return nullptr;
  }
  [[nodiscard]] const Defer* deferral() const noexcept { return std::get_if<Defer>(&kind_); }

 private:
  Kind kind_;
};

inline HandlerOutcome done() { return Done{}; }
inline HandlerOutcome retry(Error e) { return Retry{std::move(e)}; }
inline HandlerOutcome permanent(Error e) { return Permanent{std::move(e)}; }
// The usual permanent failure: code "permanent", so the job's last error reads "permanent: ...".
inline HandlerOutcome permanent(std::string message) {
  return Permanent{make_error("permanent", std::move(message))};
}
inline HandlerOutcome defer_until(Clock::time_point when, std::string reason) {
  return Defer{when, std::move(reason)};
}

}  // namespace blazed::queue
