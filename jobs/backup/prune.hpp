// Owns carrying out retention on the targets: the inventory taken, the plan made
// (retention.hpp), expired backups (object and manifest) and orphaned objects deleted, and
// multipart uploads abandoned for more than the grace period aborted. A listing that fails
// deletes nothing anywhere.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "jobs/backup/inventory.hpp"
#include "jobs/backup/retention.hpp"
#include "jobs/backup/targets.hpp"

#include <boost/asio/awaitable.hpp>

#include <vector>

namespace blazed::jobs::backup {

struct PruneReport {
  Inventory inventory;  // as found, before deleting
  PrunePlan plan;
  std::size_t expired_deleted = 0;  // backups (object + manifest), counted per target
  std::size_t orphans_deleted = 0;
  std::size_t keys_failed = 0;      // keys S3 refused to delete (retried next run)
  std::size_t uploads_aborted = 0;
  std::size_t uploads_failed = 0;   // aborts that failed (retried next run)
  // Targets whose server cannot list multipart uploads (s3rver): nothing aborted there.
  std::vector<std::string> uploads_unlisted;
};

boost::asio::awaitable<Result<PruneReport>> prune_targets(std::vector<Target>& targets, Clock::time_point now,
                                                          const RetentionPolicy& policy);

}  // namespace blazed::jobs::backup
