// Owns reloading the keyring on SIGHUP: read the key directory (or credentials) again with the
// new keyring section, refuse a set that drops a key rows are still sealed under, swap it in on
// the event loop, audit the change, and enqueue a rotation when the active key changed.
// Why a reload and not a restart: with several instances, a new key must be known to every
// instance before any of them seals under it (docs/operations.md, "Keys and rotation").
#include "app/reload_keyring.hpp"

#include "jobs/keys/key_rotation.hpp"
#include "jobs/keys/key_rotation_job.hpp"
#include "pg/audit.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace blazed::app {
namespace asio = boost::asio;

namespace {

std::set<std::string> ids_of(const crypto::Keyring& ring) {
  std::set<std::string> ids;
  for (const auto& info : ring.infos()) ids.insert(info.id);
  return ids;
}

boost::json::array json_list(const std::vector<std::string>& ids) {
  boost::json::array out;
  for (const auto& id : ids) out.emplace_back(id);
  return out;
}

// Rows per removed key id; an empty map when no removed key is referenced.
asio::awaitable<Result<std::map<std::string, std::int64_t>>> still_referenced(
    pg::PgPool& db, const std::vector<std::string>& removed) {
  std::map<std::string, std::int64_t> out;
  if (removed.empty()) co_return out;
  auto usage = co_await jobs::key_usage(db, jobs::rotation_tables());
  if (!usage) co_return usage.error();
  for (const auto& u : *usage)
    if (u.key_id && std::find(removed.begin(), removed.end(), *u.key_id) != removed.end())
      out[*u.key_id] += u.rows;
  co_return out;
}

}  // namespace

asio::awaitable<KeyringReload> reload_keyring(Parts& p, const config::KeyringConfig& next) {
  auto loaded = crypto::Keyring::load(next);
  if (!loaded) {
    p.logger.error("keyring reload refused; keeping the running keys",
                   {{"code", loaded.error().code}, {"error", loaded.error().message}});
    co_return KeyringReload::refused;
  }
  const auto before = ids_of(*p.keyring);
  const auto after = ids_of(*loaded);
  std::vector<std::string> added, removed;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(removed));
  const std::string old_active = p.keyring->active().id();
  const std::string new_active = loaded->active().id();
  if (added.empty() && removed.empty() && old_active == new_active &&
      p.config.keyring.legacy_key == next.legacy_key) {
    co_return KeyringReload::unchanged;
  }

  // A key file removed while rows are sealed under it would make them unreadable until the
  // file comes back: keep the running keys and say which ones are still needed.
  auto referenced = co_await still_referenced(*p.db, removed);
  if (!referenced) {
    p.logger.error("keyring reload refused: cannot check which keys rows still use",
                   {{"error", referenced.error().message}});
    co_return KeyringReload::refused;
  }
  if (!referenced->empty()) {
    for (const auto& [id, rows] : *referenced)
      p.logger.error("keyring reload refused: a removed key still has rows under it; restore its "
                     "file, or rotate first (blazectl keys status)",
                     {{"key_id", id}, {"rows", rows}});
    co_return KeyringReload::refused;
  }

  // Everything that uses keys runs on this loop and holds none across an await, so the swap is
  // seen whole by the next seal or open. The old keys are moved out first so that their
  // keyring's destructor runs, which drops them from every thread's cipher cache (a plain move
  // assignment would free them without that).
  {
    crypto::Keyring replaced = std::move(*p.keyring);
    *p.keyring = std::move(*loaded);
  }
  p.config.keyring = next;
  p.logger.info("keyring reloaded", {{"active_key", new_active},
                                     {"previous_active_key", old_active},
                                     {"keys", static_cast<std::int64_t>(after.size())},
                                     {"added", static_cast<std::int64_t>(added.size())},
                                     {"removed", static_cast<std::int64_t>(removed.size())}});

  pg::AuditEvent e;
  e.actor = "instance:" + p.config.instance_id;
  e.action = "keys.reload";
  e.data_type = "keys";
  e.detail["active_key"] = new_active;
  e.detail["previous_active_key"] = old_active;
  e.detail["added"] = json_list(added);
  e.detail["removed"] = json_list(removed);
  if (auto audited = co_await pg::record_audit(*p.db, p.clock, e); !audited)
    p.logger.error("could not record the keys.reload audit event", {{"error", audited.error().message}});

  if (new_active != old_active) {
    auto queued = co_await jobs::enqueue_rotation_if_needed(*p.job_context);
    if (!queued)
      p.logger.warn("key rotation check after reload failed; run blazectl keys rotate",
                    {{"error", queued.error().message}});
  }
  co_return KeyringReload::applied;
}

}  // namespace blazed::app
