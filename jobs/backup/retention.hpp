// Owns the retention decision, as a pure function of what the targets hold: which backups and
// leftovers to delete. Times come from the manifests, never from listing order; the window is
// anchored at the newest good backup (so backups that stopped never age out what is left), and
// the newest keep_min good backups always stay.
#pragma once

#include "core/clock.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace blazed::jobs::backup {

// One backup id as seen on one target.
struct TargetEntry {
  bool has_object = false;
  bool has_manifest = false;
  std::optional<Clock::time_point> finished_at;    // from the manifest (nullopt: unreadable)
  std::optional<Clock::time_point> object_written;  // the object's LastModified
};

// Per target name, per backup id.
using Holdings = std::map<std::string, std::map<std::string, TargetEntry>>;

struct RetentionPolicy {
  std::chrono::days keep_for{30};
  int keep_min = 3;
  // Objects without a manifest, and multipart uploads, younger than this may be a backup still
  // being written.
  std::chrono::hours orphan_grace{24};
};

struct PrunePlan {
  // Per target: backup ids whose object and manifest go (expired).
  std::map<std::string, std::vector<std::string>> expired;
  // Per target: backup ids whose object has had no manifest past the grace period.
  std::map<std::string, std::vector<std::string>> orphans;
  // Good on every target, newest first.
  std::vector<std::string> good;
  std::optional<Clock::time_point> newest_good;
  std::optional<Clock::time_point> cutoff;  // expired: finished before this
};

// A multipart upload in progress on one target.
struct PendingUpload {
  std::string key;
  std::string upload_id;
  std::optional<Clock::time_point> initiated;  // nullopt: unreadable
};

// A backup is good when every target holds its object and a readable manifest.
std::vector<std::string> good_backups(const Holdings& holdings);

PrunePlan plan_prune(const Holdings& holdings, Clock::time_point now, const RetentionPolicy& policy);

// The uploads begun before now - policy.orphan_grace: abandoned (no backup runs that long), to
// be aborted. One whose start cannot be read stays.
std::vector<PendingUpload> abandoned_uploads(const std::vector<PendingUpload>& uploads, Clock::time_point now,
                                             const RetentionPolicy& policy);

}  // namespace blazed::jobs::backup
