// Owns building the sync's audit events (see sync_audit.hpp).
#include "jobs/sync/sync_audit.hpp"

#include "pg/audit.hpp"

namespace asio = boost::asio;

namespace blazed::jobs::sync {

asio::awaitable<Status> audit_run(pg::Executor& db, const Clock& clock, std::string_view actor,
                                  std::int64_t seller_id, DataType type, const RunReport& report,
                                  std::chrono::milliseconds duration, std::string_view outcome,
                                  const Error* error) {
  pg::AuditEvent e;
  e.actor = std::string(actor);
  e.action = "sync." + std::string(data_type_name(type));
  e.seller_id = seller_id;
  e.data_type = std::string(data_type_name(type));
  e.rows = report.rows;
  // deferred: progress kept, the rest follows when the rate limit allows; stopped: the seller was
  // disconnected or re-tokened mid-run, the pages stored so far kept.
  e.outcome = outcome == "success"                             ? pg::AuditOutcome::success
              : outcome == "deferred" || outcome == "stopped" ? pg::AuditOutcome::partial
              : outcome == "needs_reauth" ? pg::AuditOutcome::denied
                                          : pg::AuditOutcome::failure;
  e.detail["pages"] = report.pages;
  e.detail["duration_ms"] = duration.count();
  e.detail["outcome"] = std::string(outcome);
  // The code only: messages are PII-free too, but the code is what reports group by.
  if (error != nullptr) e.detail["error"] = error->code;
  e.request_ids = report.request_ids;
  auto r = co_await pg::record_audit(db, clock, e);
  if (!r) co_return r.error();
  co_return Status{};
}

asio::awaitable<Status> audit_needs_reauth(pg::Executor& db, const Clock& clock, std::string_view actor,
                                           std::int64_t seller_id) {
  pg::AuditEvent e;
  e.actor = std::string(actor);
  e.action = "seller.needs_reauth";
  e.seller_id = seller_id;
  e.data_type = "tokens";
  e.outcome = pg::AuditOutcome::denied;
  e.detail["reason"] = "lwa_invalid_grant";
  auto r = co_await pg::record_audit(db, clock, e);
  if (!r) co_return r.error();
  co_return Status{};
}

}  // namespace blazed::jobs::sync
