// Owns carrying out retention on the targets (see prune.hpp).
#include "jobs/backup/prune.hpp"

#include "core/log.hpp"

namespace blazed::jobs::backup {
namespace asio = boost::asio;

asio::awaitable<Result<PruneReport>> prune_targets(std::vector<Target>& targets, Clock::time_point now,
                                                   const RetentionPolicy& policy) {
  PruneReport report;
  auto inv = co_await take_inventory(targets);
  if (!inv) co_return inv.error();
  report.inventory = std::move(*inv);
  report.plan = plan_prune(report.inventory.holdings, now, policy);
  const log::Logger logger("backup");
  for (auto& t : targets) {
    std::vector<std::string> keys;
    const auto& name = t.config.name;
    if (auto it = report.plan.expired.find(name); it != report.plan.expired.end())
      for (const auto& id : it->second) {
        keys.push_back(manifest_key(t.config.prefix, id));
        keys.push_back(object_key(t.config.prefix, id));
      }
    if (auto it = report.plan.orphans.find(name); it != report.plan.orphans.end())
      for (const auto& id : it->second) keys.push_back(object_key(t.config.prefix, id));
    if (keys.empty()) continue;
    auto deleted = co_await t.client->delete_objects(keys);
    if (!deleted) co_return deleted.error().context("target '" + name + "': deleting");
    report.keys_failed += deleted->failed.size();
    if (auto it = report.plan.expired.find(name); it != report.plan.expired.end())
      report.expired_deleted += it->second.size();
    if (auto it = report.plan.orphans.find(name); it != report.plan.orphans.end())
      report.orphans_deleted += it->second.size();
    logger.info("backups pruned", {{"target", name}, {"keys", static_cast<std::int64_t>(keys.size())},
                                   {"refused", static_cast<std::int64_t>(deleted->failed.size())}});
  }
  co_return report;
}

}  // namespace blazed::jobs::backup
