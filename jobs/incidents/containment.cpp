// Owns opening an incident and its containment (see containment.hpp).
#include "jobs/incidents/containment.hpp"

#include "core/log.hpp"
#include "jobs/keys/key_rotation_job.hpp"
#include "jobs/sellers/sellers_store.hpp"
#include "pg/audit.hpp"
#include "pg/pool.hpp"
#include "spapi/client.hpp"

#include <vector>

namespace blazed::jobs::incidents {

namespace asio = boost::asio;

namespace {

struct Revoked {
  std::int64_t tokens = 0;
  std::int64_t paused = 0;
  std::vector<std::int64_t> sellers;  // whose token went: their cached access tokens go too
};

// In the caller's transaction: the tokens in scope deleted, the syncs paused, the counts recorded
// on the incident, and the audit event that says so.
asio::awaitable<Result<Revoked>> revoke(pg::Executor& tx, const Clock& clock, std::int64_t incident_id,
                                        const std::string& severity, std::optional<std::int64_t> scope,
                                        const std::string& actor) {
  const auto now = clock.now();
  Revoked r;
  if (scope) {
    auto seller = co_await sellers::seller_with_token(tx, *scope);
    if (!seller) co_return seller.error();
    auto gone = co_await sellers::delete_token(tx, *scope);
    if (!gone) co_return gone.error();
    if (seller->status == "active") {
      if (auto paused = co_await sellers::mark_needs_reauth(tx, *scope, now); !paused) co_return paused.error();
      r.paused = 1;
    }
    r.tokens = *gone;
    r.sellers.push_back(*scope);
  } else {
    auto gone = co_await sellers::delete_all_tokens(tx);
    if (!gone) co_return gone.error();
    auto paused = co_await sellers::mark_all_needs_reauth(tx, now);
    if (!paused) co_return paused.error();
    r.tokens = static_cast<std::int64_t>(gone->size());
    r.paused = *paused;
    r.sellers = std::move(*gone);
  }
  if (auto st = co_await record_containment(tx, incident_id, now, r.tokens, r.paused); !st) co_return st.error();
  pg::AuditEvent e;
  e.actor = actor;
  e.action = "incident.contain";
  e.seller_id = scope;
  e.data_type = "tokens";
  e.rows = r.tokens;
  e.detail["incident_id"] = incident_id;
  e.detail["severity"] = severity;
  e.detail["scope"] = scope ? "seller" : "all";
  e.detail["sellers_paused"] = r.paused;
  auto audited = co_await pg::record_audit(tx, clock, e);
  if (!audited) co_return audited.error();
  co_return r;
}

// After the commit: no access token of theirs stays in memory; for scope all the rotation.
asio::awaitable<Containment> finish(JobContext& ctx, std::int64_t incident_id, std::optional<std::int64_t> scope,
                                    const Revoked& r) {
  Containment c{r.tokens, r.paused, std::nullopt, std::nullopt};
  if (ctx.spapi != nullptr)
    for (const auto seller : r.sellers) ctx.spapi->forget(seller);
  if (scope) co_return c;
  auto queued = co_await enqueue_rotation(ctx);
  if (queued) {
    c.rotation_job_id = queued->job_id;
    if (auto st = co_await record_rotation_job(ctx.db, incident_id, queued->job_id); !st) c.rotation_error = st.error();
  } else {
    c.rotation_error = queued.error();
  }
  // The tokens are gone either way; the operator starts the rotation with `blazectl keys rotate`.
  if (c.rotation_error)
    log::Logger("incidents").error("emergency key rotation not queued",
                                   {{"incident_id", incident_id}, {"error", c.rotation_error->message}});
  co_return c;
}

}  // namespace

bool contains_at_open(const std::string& severity) { return severity == "critical" || severity == "high"; }

asio::awaitable<Result<Opened>> open_incident(JobContext& ctx, const NewIncident& incident) {
  Opened opened;
  std::optional<Revoked> revoked;
  auto st = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    if (incident.scope_seller_id) {  // an unknown seller: nothing recorded
      if (auto seller = co_await sellers::seller_with_token(tx, *incident.scope_seller_id); !seller)
        co_return seller.error();
    }
    auto id = co_await insert_incident(tx, incident);
    if (!id) co_return id.error();
    opened.id = *id;
    if (!contains_at_open(incident.severity)) co_return Status{};
    auto r = co_await revoke(tx, ctx.clock, *id, incident.severity, incident.scope_seller_id, incident.opened_by);
    if (!r) co_return r.error();
    revoked = std::move(*r);
    co_return Status{};
  });
  if (!st) co_return st.error();
  if (revoked) opened.containment = co_await finish(ctx, opened.id, incident.scope_seller_id, *revoked);
  co_return opened;
}

asio::awaitable<Result<Containment>> contain(JobContext& ctx, const Incident& incident, const std::string& actor) {
  Revoked revoked;
  auto st = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto r = co_await revoke(tx, ctx.clock, incident.id, incident.severity, incident.scope_seller_id, actor);
    if (!r) co_return r.error();
    revoked = std::move(*r);
    co_return Status{};
  });
  if (!st) co_return st.error();
  co_return co_await finish(ctx, incident.id, incident.scope_seller_id, revoked);
}

}  // namespace blazed::jobs::incidents
