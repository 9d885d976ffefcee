// Owns the backup targets: one S3 client per configured bucket (credentials resolved from their
// secret reference), and the region rule (a target in the server's own region does not count
// as off-site).
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "s3/client.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>
#include <vector>

namespace blazed::jobs::backup {

struct Target {
  config::BackupTargetConfig config;
  std::unique_ptr<s3::Client> client;
};

// env:PREFIX reads PREFIX_ACCESS_KEY_ID, PREFIX_SECRET_ACCESS_KEY and PREFIX_SESSION_TOKEN;
// file:/path and credential:NAME hold the AWS shared-credentials layout ([default]).
Result<s3::Credentials> target_credentials(const config::SecretRef& ref, const s3::EnvLookup& env = s3::process_env());

// backup_no_targets when none is configured; a target's errors carry its name.
Result<std::vector<Target>> open_targets(boost::asio::any_io_executor executor,
                                         const config::BackupConfig& config,
                                         const Clock& clock = SystemClock::instance());

// The names of targets in backup.primary_region (empty when it is not set).
std::vector<std::string> same_region_targets(const config::BackupConfig& config);

// One compliance line per target: off-site when not in backup.primary_region; ok when off-site
// and primary_region is set (without it, off-site cannot be shown).
struct RegionCheck {
  std::string target;
  std::string region;
  bool off_site = true;
  bool ok = false;
};
std::vector<RegionCheck> region_checks(const config::BackupConfig& config);

}  // namespace blazed::jobs::backup
