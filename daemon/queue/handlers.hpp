// Owns the job-type registry: which coroutine runs a type, and that type's retry policy.
#pragma once

#include "queue/job.hpp"
#include "queue/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace blazed::queue {

// A handler returns a HandlerOutcome (queue/outcome.hpp): done() acks the job; retry(e) (or a bare
// Error) fails the attempt, retried after a backoff until out of attempts; permanent(e) sends it to
// dead at once; defer_until(t, why) reschedules it for t without counting an attempt. A failure's
// code and message become the job's last error, so they must not carry secrets or PII. Handlers
// must honour cancellation (per-job timeout, lost lease, graceful stop): their awaited operations
// then end with operation_aborted.
using Handler = std::function<boost::asio::awaitable<HandlerOutcome>(const Job&)>;

struct JobType {
  Handler handler;
  int max_attempts = 5;
  std::chrono::milliseconds timeout{300'000};
  std::chrono::milliseconds backoff_base{1'000};  // retry n waits ~base * 2^(n-1), jittered
  std::chrono::milliseconds backoff_max{3'600'000};
};

class Handlers {
 public:
  Handlers& add(std::string type, JobType job_type) {
    types_.insert_or_assign(std::move(type), std::move(job_type));
    return *this;
  }
  [[nodiscard]] const JobType* find(const std::string& type) const {
    auto it = types_.find(type);
    return it == types_.end() ? nullptr : &it->second;
  }
  // Calls fn(type name, job type) for every type, in name order.
  void for_each(const std::function<void(const std::string&, const JobType&)>& fn) const {
    for (const auto& [name, job_type] : types_) fn(name, job_type);
  }

 private:
  std::map<std::string, JobType, std::less<>> types_;
};

}  // namespace blazed::queue
