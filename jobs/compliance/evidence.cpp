// Owns the gathering of the compliance report's evidence (see evidence.hpp).
#include "jobs/compliance/evidence.hpp"

#include "control/registry.hpp"
#include "core/errc.hpp"
#include "jobs/backup/inventory.hpp"
#include "jobs/compliance/compliance_line.hpp"
#include "jobs/purge/purge_store.hpp"
#include "pg/pool.hpp"

#include <boost/asio/this_coro.hpp>

namespace blazed::jobs::compliance {

namespace asio = boost::asio;

namespace {

// Another duty's read-only command, run in-process as the operator's request would run it.
asio::awaitable<Result<boost::json::value>> run_command(const control::CommandRegistry& registry,
                                                        const std::string& name) {
  auto entry = registry.find(name);
  if (!entry) co_return make_error(blazed::errc::not_found, "command " + name + " is not registered");
  control::Request req;
  req.command = name;
  co_return co_await entry->handler(req);
}

asio::awaitable<Result<BackupEvidence>> backup_evidence(JobContext& ctx) {
  BackupEvidence out;
  out.regions = backup::region_checks(ctx.config.backup);
  auto targets = backup::open_targets(co_await asio::this_coro::executor, ctx.config.backup, ctx.clock);
  if (!targets) co_return targets.error();
  auto inv = co_await backup::take_inventory(*targets);
  if (!inv) co_return inv.error();
  if (!inv->good.empty()) {
    const auto& newest = inv->manifests.at(inv->good.front());
    out.newest_good = newest.backup_id;
    out.newest_good_finished = newest.finished_at;
  }
  co_return out;
}

}  // namespace

Policy policy_of(const config::Config& config) {
  Policy p;
  p.raw_payload_max_age = config.retention.raw_payloads;
  p.audit_retention = config.retention.audit;
  p.backup_configured = !config.backup.targets.empty();
  return p;
}

asio::awaitable<Evidence> gather_evidence(const control::CommandRegistry& registry, JobContext& ctx,
                                          const std::set<std::string>& wanted) {
  Evidence e;
  e.now = ctx.clock.now();
  if (wanted.contains(section::credentials)) e.keys = co_await run_command(registry, "keys.status");
  if (wanted.contains(section::retention)) {
    e.oldest_raw_payload = co_await purge::oldest_raw_payload(ctx.db);
    e.deletions = co_await run_command(registry, "deletions.list");
  }
  if (wanted.contains(section::backup)) {
    e.backups = co_await backup_evidence(ctx);
    e.drill = co_await backup::last_drill(ctx.db);
  }
  if (wanted.contains(section::logging)) e.redaction = redaction_self_test(ctx.clock);
  if (wanted.contains(section::incidents)) e.incidents = co_await run_command(registry, "incident.list");
  co_return e;
}

}  // namespace blazed::jobs::compliance
