// Owns the readiness checks (see readiness.hpp).
#include "health/readiness.hpp"

#include <algorithm>
#include <exception>

namespace blazed::health {

void Readiness::add_readiness_check(std::string name, CheckFn fn) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(checks_.begin(), checks_.end(), [&](auto& c) { return c.first == name; });
  if (it != checks_.end()) {
    it->second = std::move(fn);
  } else {
    checks_.emplace_back(std::move(name), std::move(fn));
  }
}

void Readiness::remove_readiness_check(const std::string& name) {
  std::lock_guard lock(mutex_);
  std::erase_if(checks_, [&](auto& c) { return c.first == name; });
}

std::vector<CheckOutcome> Readiness::evaluate() const {
  // Checks run under the lock so that remove_readiness_check() cannot race a running check.
  std::lock_guard lock(mutex_);
  std::vector<CheckOutcome> out;
  for (const auto& [name, fn] : checks_) {
    try {
      auto r = fn();
      out.push_back({name, r.ok, std::move(r.detail)});
    } catch (const std::exception&) {
      out.push_back({name, false, "check failed unexpectedly"});
    }
  }
  return out;
}

bool Readiness::all_ok(const std::vector<CheckOutcome>& outcomes) {
  return std::all_of(outcomes.begin(), outcomes.end(), [](const auto& o) { return o.ok; });
}

}  // namespace blazed::health
