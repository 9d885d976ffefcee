// Owns histogram bucketing and outcome names.
#include "queue/stats.hpp"

#include <algorithm>

namespace blazed::queue {

void Histogram::observe(std::chrono::microseconds d) {
  double s = static_cast<double>(d.count()) / 1e6;
  auto it = std::lower_bound(bounds.begin(), bounds.end(), s);
  ++buckets_[static_cast<std::size_t>(it - bounds.begin())];
  ++count_;
  sum_ += s;
}

std::uint64_t Histogram::cumulative(std::size_t i) const noexcept {
  std::uint64_t n = 0;
  for (std::size_t b = 0; b <= i && b < buckets_.size(); ++b) n += buckets_[b];
  return n;
}

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::completed: return "completed";
    case Outcome::retried: return "retried";
    case Outcome::dead: return "dead";
    case Outcome::lease_lost: return "lease_lost";
    case Outcome::handed_back: return "handed_back";
    case Outcome::deferred: return "deferred";
  }
  return "unknown";
}

}  // namespace blazed::queue
