// Owns one run of the PII purge: raw payloads received before now - retention are removed, whole
// expired days by detaching and dropping their partition, the boundary day's expired rows in
// bounded batches; resumable after a kill (docs/purge.md).
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace blazed::pg {
class PgPool;
}

namespace blazed::jobs::purge {

// What a purge has done so far: after each committed step (a day dropped, a batch deleted).
struct PurgeProgress {
  std::int64_t dropped_partitions = 0;
  std::int64_t dropped_rows = 0;
  std::int64_t deleted_rows = 0;
};

struct PurgeOptions {
  std::chrono::milliseconds retention{std::chrono::hours{24 * 30}};
  std::int64_t batch_size = 5000;             // rows per delete transaction on the boundary day
  int days_ahead = 7;                         // partitions made for today and this many days on
  std::chrono::milliseconds lock_timeout{5000};  // a DDL step gives up rather than queue longer
  std::string instance_id;
  std::string actor;                          // of the audit event ("instance:<id>")
  std::function<void(const PurgeProgress&)> on_step;  // tests stop a run here
};

struct PurgeReport {
  std::int64_t run_id = 0;
  Clock::time_point cutoff;  // rows received before it were removed
  std::int64_t partitions_made = 0;
  std::int64_t dropped_partitions = 0;
  std::int64_t dropped_rows = 0;
  std::int64_t deleted_rows = 0;
  int resumed = 0;  // how many runs before this one were killed before finishing
};

// One run on a session of `pool`. Fails with purge_running while another instance's purge holds
// the purge lock, and with pg_lock_timeout when a partition cannot be detached or made within
// lock_timeout (the next run goes on from there). Records the audit event purge.pii when done.
boost::asio::awaitable<Result<PurgeReport>> run_purge(pg::PgPool& pool, const Clock& clock,
                                                      const PurgeOptions& options);

}  // namespace blazed::jobs::purge
