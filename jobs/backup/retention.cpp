// Owns the retention decision (see retention.hpp).
#include "jobs/backup/retention.hpp"

#include <algorithm>
#include <set>

namespace blazed::jobs::backup {

namespace {

bool complete(const TargetEntry& e) { return e.has_object && e.has_manifest && e.finished_at; }

// The manifest's time of a backup good everywhere (the first target's; they are one manifest).
Clock::time_point finished_of(const Holdings& holdings, const std::string& id) {
  return *holdings.begin()->second.at(id).finished_at;
}

}  // namespace

std::vector<std::string> good_backups(const Holdings& holdings) {
  std::vector<std::string> good;
  if (holdings.empty()) return good;
  std::set<std::string> ids;
  for (const auto& [target, entries] : holdings)
    for (const auto& [id, e] : entries) ids.insert(id);
  for (const auto& id : ids) {
    const bool everywhere = std::ranges::all_of(holdings, [&](const auto& t) {
      auto it = t.second.find(id);
      return it != t.second.end() && complete(it->second);
    });
    if (everywhere) good.push_back(id);
  }
  std::ranges::sort(good, [&](const std::string& a, const std::string& b) {
    const auto ta = finished_of(holdings, a);
    const auto tb = finished_of(holdings, b);
    return ta != tb ? ta > tb : a > b;
  });
  return good;
}

PrunePlan plan_prune(const Holdings& holdings, Clock::time_point now, const RetentionPolicy& policy) {
  PrunePlan plan;
  plan.good = good_backups(holdings);
  if (!plan.good.empty()) {
    plan.newest_good = finished_of(holdings, plan.good.front());
    // Anchored at the newest good backup: if backups stopped, what is left does not age out.
    const Clock::time_point anchor = std::min(now, *plan.newest_good);
    plan.cutoff = anchor - policy.keep_for;
  }
  const std::size_t keep_min = static_cast<std::size_t>(std::max(policy.keep_min, 1));
  std::set<std::string> protected_ids(
      plan.good.begin(), plan.good.begin() + static_cast<std::ptrdiff_t>(std::min(keep_min, plan.good.size())));

  for (const auto& [target, entries] : holdings) {
    for (const auto& [id, e] : entries) {
      if (protected_ids.contains(id)) continue;
      if (e.has_manifest) {
        // Without a good backup there is no anchor: nothing expires.
        if (plan.cutoff && e.finished_at && *e.finished_at < *plan.cutoff)
          plan.expired[target].push_back(id);
      } else if (e.has_object && e.object_written && *e.object_written < now - policy.orphan_grace) {
        plan.orphans[target].push_back(id);
      }
    }
  }
  return plan;
}

std::vector<PendingUpload> abandoned_uploads(const std::vector<PendingUpload>& uploads, Clock::time_point now,
                                             const RetentionPolicy& policy) {
  std::vector<PendingUpload> out;
  for (const auto& u : uploads)
    if (u.initiated && *u.initiated < now - policy.orphan_grace) out.push_back(u);
  return out;
}

}  // namespace blazed::jobs::backup
