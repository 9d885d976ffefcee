// Owns the audit trail's upkeep: month partitions made ahead of the clock, and the prune of whole
// expired months after retention.audit (at least 365 days), itself audited.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace blazed::pg {
class PgPool;
}

namespace blazed::jobs::audit {

// Months made ahead: an insert never waits for a partition to be made, and the daemon may be down
// for that long without events of a new month landing in the default partition.
inline constexpr int kMonthsAhead = 3;

// Makes the partitions of this month (by `clock`) and the kMonthsAhead after it; returns how many
// it made.
boost::asio::awaitable<Result<std::int64_t>> make_partitions_ahead(pg::PgPool& db, const Clock& clock);

// Prunes the months older than `retention` (at least 365 days) and records an audit.prune event
// in the same transaction; returns the events removed.
boost::asio::awaitable<Result<std::int64_t>> prune_expired(pg::PgPool& db, const Clock& clock,
                                                           std::chrono::days retention, const std::string& actor);

}  // namespace blazed::jobs::audit
