// Owns the sync's audit events: one per run and data type (sync.orders, sync.transactions), and
// seller.needs_reauth. Counts, durations, error codes and request ids only: never PII.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "jobs/sync/sync_run.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace blazed::pg {
class Executor;
}

namespace blazed::jobs::sync {

boost::asio::awaitable<Status> audit_run(pg::Executor& db, const Clock& clock, std::string_view actor,
                                         std::int64_t seller_id, DataType type, const RunReport& report,
                                         std::chrono::milliseconds duration, std::string_view outcome,
                                         const Error* error);

boost::asio::awaitable<Status> audit_needs_reauth(pg::Executor& db, const Clock& clock,
                                                  std::string_view actor, std::int64_t seller_id);

}  // namespace blazed::jobs::sync
