// Owns the inventory of the targets: every backup object and manifest under each target's
// prefix, the manifests read and parsed, and which backups are good (on every target).
#pragma once

#include "core/error.hpp"
#include "jobs/backup/manifest.hpp"
#include "jobs/backup/retention.hpp"
#include "jobs/backup/targets.hpp"

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>
#include <vector>

namespace blazed::jobs::backup {

struct Inventory {
  Holdings holdings;                       // per target, per backup id
  std::map<std::string, Manifest> manifests;  // per backup id, as first read
  std::vector<std::string> good;           // newest first
};

// Lists every target and reads each manifest. A listing failure fails the whole inventory (no
// decision is made on half a picture); a manifest that cannot be parsed counts as missing.
boost::asio::awaitable<Result<Inventory>> take_inventory(std::vector<Target>& targets);

// Reads one manifest: backup_not_found when the target does not have it.
boost::asio::awaitable<Result<Manifest>> read_manifest(Target& target, const std::string& backup_id);

}  // namespace blazed::jobs::backup
