// Owns carrying out retention on the targets (see prune.hpp).
#include "jobs/backup/prune.hpp"

#include "core/log.hpp"

#include "s3/errc.hpp"

namespace blazed::jobs::backup {
namespace asio = boost::asio;

namespace {

// Per target (by index): the abandoned uploads under its prefix. nullopt for a target whose
// server cannot list them; an error for any other failure.
asio::awaitable<Result<std::vector<std::optional<std::vector<PendingUpload>>>>> find_abandoned(
    std::vector<Target>& targets, Clock::time_point now, const RetentionPolicy& policy) {
  std::vector<std::optional<std::vector<PendingUpload>>> out;
  for (auto& t : targets) {
    auto listed = co_await t.client->list_multipart_uploads(t.config.prefix);
    if (!listed && listed.error().code == s3::errc::s3_not_implemented) {
      out.emplace_back();
      continue;
    }
    if (!listed) co_return listed.error().context("target '" + t.config.name + "': listing uploads");
    std::vector<PendingUpload> pending;
    for (auto& u : *listed) pending.push_back({std::move(u.key), std::move(u.upload_id), parse_listed_utc(u.initiated)});
    out.emplace_back(abandoned_uploads(pending, now, policy));
  }
  co_return out;
}

}  // namespace

asio::awaitable<Result<PruneReport>> prune_targets(std::vector<Target>& targets, Clock::time_point now,
                                                   const RetentionPolicy& policy) {
  PruneReport report;
  auto inv = co_await take_inventory(targets);
  if (!inv) co_return inv.error();
  auto abandoned = co_await find_abandoned(targets, now, policy);
  if (!abandoned) co_return abandoned.error();
  report.inventory = std::move(*inv);
  report.plan = plan_prune(report.inventory.holdings, now, policy);
  const log::Logger logger("backup");
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& name = targets[i].config.name;
    if (!(*abandoned)[i]) {
      report.uploads_unlisted.push_back(name);
      logger.warn("the target cannot list multipart uploads; none aborted", {{"target", name}});
      continue;
    }
    for (const auto& u : *(*abandoned)[i]) {
      auto st = co_await targets[i].client->abort_multipart_upload(u.key, u.upload_id);
      if (st || st.error().code == s3::errc::s3_no_such_upload) {
        ++report.uploads_aborted;
      } else {
        ++report.uploads_failed;
        logger.warn("aborting an abandoned upload failed", {{"target", name}, {"code", st.error().code}});
      }
    }
  }
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
