// Owns the sync's audit events: one per stored SP-API page (sync.orders, sync.transactions; the
// run's last page also counts the run's pages, rows and rate-limit deferrals), the refresh
// token's decryption (tokens.decrypt) and LWA exchange (lwa.exchange) with the access they served,
// one per failed run, and seller.needs_reauth. Counts, durations, error codes and request ids
// only: never PII.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "jobs/sync/page_fetch.hpp"
#include "jobs/sync/sync_run.hpp"
#include "pg/audit.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::pg {
class Executor;
}

namespace blazed::jobs::sync {

// The events committed with a stored page. `run` counts this page already.
std::vector<pg::AuditEvent> page_events(std::string_view actor, std::int64_t seller_id, DataType type,
                                        const RunInProgress& run, const FetchedPage& page, bool token_opened);

// A run that ended without its data: its failure, and the decryption and LWA exchange it made.
boost::asio::awaitable<Status> audit_run(pg::Executor& db, const Clock& clock, std::string_view actor,
                                         std::int64_t seller_id, DataType type, const RunReport& report,
                                         std::chrono::milliseconds duration, std::string_view outcome,
                                         const Error* error);

boost::asio::awaitable<Status> audit_needs_reauth(pg::Executor& db, const Clock& clock,
                                                  std::string_view actor, std::int64_t seller_id);

}  // namespace blazed::jobs::sync
