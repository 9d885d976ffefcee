// Owns the evidence the compliance report judges: what each duty already exposes (its read-only
// commands' results, a few store reads), gathered for the sections asked for, each part a value
// or the error that kept it from being read.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "jobs/backup/backup_store.hpp"
#include "jobs/backup/targets.hpp"
#include "jobs/compliance/redaction_self_test.hpp"
#include "jobs/job_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace blazed::control {
class CommandRegistry;
}

namespace blazed::jobs::compliance {

// The backups as the targets hold them: the region line of every target and the newest good
// backup (good: complete on every target).
struct BackupEvidence {
  std::vector<backup::RegionCheck> regions;
  std::optional<std::string> newest_good;
  std::optional<Clock::time_point> newest_good_finished;
};

// The policy the evidence is judged by: the configured limits, and the promises that are fixed.
struct Policy {
  Clock::duration raw_payload_max_age;   // retention.raw_payloads (at most 30 days)
  Clock::duration audit_retention;       // retention.audit
  std::chrono::days audit_min_retention{365};
  Clock::duration backup_max_age = std::chrono::hours(26);  // what the backup alert uses (RPO 24 h + slack)
  Clock::duration rto = std::chrono::hours(4);
  Clock::duration drill_max_age = std::chrono::days(100);   // quarterly drills, with slack
  bool backup_configured = false;
};
Policy policy_of(const config::Config& config);

// Each part is set when its section was asked for.
struct Evidence {
  Clock::time_point now;
  std::optional<Result<boost::json::value>> keys;       // keys.status
  std::optional<Result<boost::json::value>> deletions;  // deletions.list
  std::optional<Result<boost::json::value>> incidents;  // incident.list
  std::optional<Result<std::optional<Clock::time_point>>> oldest_raw_payload;
  std::optional<Result<BackupEvidence>> backups;
  std::optional<Result<std::optional<backup::DrillRow>>> drill;
  std::optional<SelfTestResult> redaction;
};

// Reads the evidence of `wanted` sections (section ids, compliance_line.hpp): the duties' commands
// through `registry`, the rest from their stores and the backup targets; runs the redaction
// self-test when the logging section is wanted.
boost::asio::awaitable<Evidence> gather_evidence(const control::CommandRegistry& registry, JobContext& ctx,
                                                 const std::set<std::string>& wanted);

}  // namespace blazed::jobs::compliance
