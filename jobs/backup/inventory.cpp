// Owns the inventory of the targets (see inventory.hpp).
#include "jobs/backup/inventory.hpp"
#include "jobs/backup/errc.hpp"

namespace blazed::jobs::backup {
namespace asio = boost::asio;

asio::awaitable<Result<Manifest>> read_manifest(Target& target, const std::string& backup_id) {
  const std::string key = manifest_key(target.config.prefix, backup_id);
  auto head = co_await target.client->head_object(key);
  if (!head && head.error().code == "s3_not_found")
    co_return make_error(blazed::jobs::backup::errc::backup_not_found, "no backup " + backup_id + " on target '" + target.config.name + "'");
  if (!head) co_return head.error().context("target '" + target.config.name + "'");
  if (head->size == 0 || head->size > 16 * 1024 * 1024)
    co_return make_error(blazed::jobs::backup::errc::backup_bad_manifest, "manifest " + backup_id + " has an impossible size");
  auto body = co_await target.client->get_object_range(key, 0, head->size - 1);
  if (!body) co_return body.error().context("target '" + target.config.name + "'");
  auto m = manifest_from_json(*body);
  if (m && m->backup_id != backup_id)
    co_return make_error(blazed::jobs::backup::errc::backup_bad_manifest, "manifest " + backup_id + " names another backup");
  co_return m;
}

asio::awaitable<Result<Inventory>> take_inventory(std::vector<Target>& targets) {
  Inventory inv;
  for (auto& t : targets) {
    auto listed = co_await t.client->list_objects(t.config.prefix);
    if (!listed) co_return listed.error().context("target '" + t.config.name + "': listing");
    auto& entries = inv.holdings[t.config.name];
    for (const auto& o : *listed) {
      auto parsed = parse_key(t.config.prefix, o.key);
      if (!parsed) continue;
      TargetEntry& e = entries[parsed->backup_id];
      if (parsed->kind == KeyKind::object) {
        e.has_object = true;
        e.object_written = parse_listed_utc(o.last_modified);
      } else {
        e.has_manifest = true;
      }
    }
    for (auto& [id, e] : entries) {
      if (!e.has_manifest) continue;
      auto m = co_await read_manifest(t, id);
      if (!m) continue;  // unreadable: never good, never expired by its own times
      e.finished_at = m->finished_at;
      inv.manifests.try_emplace(id, std::move(*m));
    }
  }
  inv.good = good_backups(inv.holdings);
  co_return inv;
}

}  // namespace blazed::jobs::backup
