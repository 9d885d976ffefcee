// Owns the `key_rotation` job type: the queue handler that rotates every encrypted table to the
// active key (auditing each table's run), and the check that enqueues it when rows need it.
#pragma once

#include "core/error.hpp"
#include "jobs/job_context.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace blazed::jobs {

inline constexpr const char* kKeyRotationJob = "key_rotation";
inline constexpr const char* kKeyRotationQueue = "default";
// While one rotation job is pending or running, enqueueing another returns the existing one.
inline constexpr const char* kKeyRotationUniqueKey = "key_rotation";

inline constexpr const char* kRotationRemainingMetric = "blazed_key_rotation_rows_remaining";

// Registers `key_rotation`. Payload: {} (every table) or {"table": "seller_tokens"|"raw_payloads"}.
// Each table's run records an audit event (action keys.rotate, data_type tokens or raw_payloads,
// rows = rewrapped; outcome partial when rows failed to open or remain) and sets
// kRotationRemainingMetric{table}. rotation_busy (another process rotates that table) fails the
// attempt so the queue retries it later.
Status register_key_rotation(queue::Handlers& handlers, JobContext& ctx);

struct RotationEnqueued {
  std::int64_t job_id = 0;
  bool duplicate = false;  // a rotation job was already queued or running
};

// Enqueues a rotation job now (`keys.rotate`); `table` empty: every table.
boost::asio::awaitable<Result<RotationEnqueued>> enqueue_rotation(JobContext& ctx,
                                                                 const std::string& table = {});

// Enqueues a rotation job when any row of a rotated table is not under the active key (legacy
// rows included). The daemon calls it at start-up and after a reload that changed the active key
// (daemon/server/reload_keyring.cpp).
// nullopt: nothing to rotate.
boost::asio::awaitable<Result<std::optional<RotationEnqueued>>> enqueue_rotation_if_needed(
    JobContext& ctx);

}  // namespace blazed::jobs
