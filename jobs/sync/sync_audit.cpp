// Owns building the sync's audit events (see sync_audit.hpp).
#include "jobs/sync/sync_audit.hpp"

namespace asio = boost::asio;

namespace blazed::jobs::sync {

namespace {

pg::AuditEvent seller_event(std::string_view actor, std::string action, std::int64_t seller_id,
                            std::string data_type) {
  pg::AuditEvent e;
  e.actor = std::string(actor);
  e.action = std::move(action);
  e.seller_id = seller_id;
  e.data_type = std::move(data_type);
  return e;
}

// The refresh token opened for an SP-API access (a failed opening is a failure).
pg::AuditEvent decrypt_event(std::string_view actor, std::int64_t seller_id, DataType type, bool opened) {
  auto e = seller_event(actor, "tokens.decrypt", seller_id, "tokens");
  e.outcome = opened ? pg::AuditOutcome::success : pg::AuditOutcome::failure;
  e.detail["for"] = "sync." + std::string(data_type_name(type));
  return e;
}

pg::AuditEvent exchange_event(std::string_view actor, std::int64_t seller_id, const Error* error) {
  auto e = seller_event(actor, "lwa.exchange", seller_id, "tokens");
  e.outcome = error == nullptr ? pg::AuditOutcome::success
              : error->code == "lwa_invalid_grant" ? pg::AuditOutcome::denied
                                                   : pg::AuditOutcome::failure;
  if (error != nullptr) e.detail["error"] = error->code;
  return e;
}

bool from_lwa(const Error* error) { return error != nullptr && error->code.starts_with("lwa_"); }

asio::awaitable<Status> record_all(pg::Executor& db, const Clock& clock, const std::vector<pg::AuditEvent>& events) {
  for (const auto& e : events)
    if (auto r = co_await pg::record_audit(db, clock, e); !r) co_return r.error();
  co_return Status{};
}

}  // namespace

std::vector<pg::AuditEvent> page_events(std::string_view actor, std::int64_t seller_id, DataType type,
                                        const RunInProgress& run, const FetchedPage& page, bool token_opened) {
  std::vector<pg::AuditEvent> out;
  if (token_opened) out.push_back(decrypt_event(actor, seller_id, type, true));
  if (page.meta.token_exchanged) out.push_back(exchange_event(actor, seller_id, nullptr));
  const std::string name(data_type_name(type));
  auto e = seller_event(actor, "sync." + name, seller_id, name);
  e.rows = static_cast<std::int64_t>(type == DataType::orders ? page.orders.size() : page.transactions.size());
  e.detail["page"] = run.pages;
  if (!page.next_token) {
    // The run's row: what the whole window brought, and how often the rate limit deferred it.
    e.detail["run_pages"] = run.pages;
    e.detail["run_rows"] = run.rows;
    e.detail["deferrals"] = run.deferrals;
  }
  if (!page.meta.request_id.empty()) e.request_ids.push_back(page.meta.request_id);
  out.push_back(std::move(e));
  return out;
}

asio::awaitable<Status> audit_run(pg::Executor& db, const Clock& clock, std::string_view actor,
                                  std::int64_t seller_id, DataType type, const RunReport& report,
                                  std::chrono::milliseconds duration, std::string_view outcome,
                                  const Error* error) {
  std::vector<pg::AuditEvent> events;
  if (report.token_opened) events.push_back(decrypt_event(actor, seller_id, type, *report.token_opened));
  if (from_lwa(error)) events.push_back(exchange_event(actor, seller_id, error));
  const std::string name(data_type_name(type));
  auto e = seller_event(actor, "sync." + name, seller_id, name);
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
  events.push_back(std::move(e));
  co_return co_await record_all(db, clock, events);
}

asio::awaitable<Status> audit_needs_reauth(pg::Executor& db, const Clock& clock, std::string_view actor,
                                           std::int64_t seller_id) {
  auto e = seller_event(actor, "seller.needs_reauth", seller_id, "tokens");
  e.outcome = pg::AuditOutcome::denied;
  e.detail["reason"] = "lwa_invalid_grant";
  // Named: GCC 12 mishandles an initializer list inside a co_await expression.
  const std::vector<pg::AuditEvent> events{std::move(e)};
  co_return co_await record_all(db, clock, events);
}

}  // namespace blazed::jobs::sync
