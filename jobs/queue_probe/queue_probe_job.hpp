// Owns the `queue_probe` job type: an end-to-end probe that proves the queue, a worker and
// PostgreSQL work together by recording each run in `queue_probe_runs` (migration 0040).
#pragma once

#include "core/error.hpp"
#include "jobs/job_context.hpp"
#include "queue/job.hpp"
#include "queue/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>

namespace blazed::jobs {

inline constexpr const char* kQueueProbeJob = "queue_probe";
// The longest hold a payload may ask for; the type's timeout is well above it.
inline constexpr std::chrono::milliseconds kQueueProbeMaxHold{60'000};
// Rows older than this are deleted by the probe itself, so a scheduled probe keeps the table small.
inline constexpr std::chrono::hours kQueueProbeRetention{24 * 30};

// Gauge {queue}: when a probe run last finished on this instance (Unix seconds).
inline constexpr const char* kQueueProbeLastSuccessMetric = "blazed_queue_probe_last_success_timestamp_seconds";

// Registers `queue_probe`. Payload: a JSON object, {} or {"hold_ms": 0..60000}. A run inserts its
// row (job id, queue, unique key, attempt, instance, started_at), holds for hold_ms (drills keep
// runs in flight that way; cancellation ends the hold), then sets finished_at and deletes rows
// past kQueueProbeRetention; a finished run sets kQueueProbeLastSuccessMetric. Anything but such
// an object fails with code "permanent".
Status register_queue_probe(queue::Handlers& handlers, JobContext& ctx);

// One run of the probe (what the registered handler does).
boost::asio::awaitable<queue::HandlerOutcome> run_queue_probe(JobContext& ctx, const queue::Job& job);

}  // namespace blazed::jobs
