// Owns the readiness checks: named functions that say whether a dependency (Redis, PostgreSQL,
// migrations...) is usable now. /readyz and `blazectl health` report the same checks.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace blazed::health {

struct CheckResult {
  bool ok = false;
  std::string detail;  // short and human; passes through redact before it leaves the process
};

// A check reads state its component keeps current (a connection flag, the last ping); it runs
// on the scraping thread for every /readyz, so it must be thread-safe and must not block.
using CheckFn = std::function<CheckResult()>;

struct CheckOutcome {
  std::string name;
  bool ok = false;
  std::string detail;
};

// Thread-safe.
class Readiness {
 public:
  // Adds a check; a second check with the same name replaces the first.
  void add_readiness_check(std::string name, CheckFn fn);
  void remove_readiness_check(const std::string& name);

  // Runs every check, in the order they were added. A check that throws counts as failed.
  [[nodiscard]] std::vector<CheckOutcome> evaluate() const;
  [[nodiscard]] static bool all_ok(const std::vector<CheckOutcome>& outcomes);

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, CheckFn>> checks_;
};

}  // namespace blazed::health
