// Owns the pii_purge job type: one purge run with the configured retention, its metrics, and what
// the queue does with a failure; and enqueueing a purge on demand.
#pragma once

#include "core/error.hpp"
#include "jobs/job_context.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>

namespace blazed::jobs::purge {

inline constexpr const char* kPurgeJob = "pii_purge";
inline constexpr const char* kPurgeQueue = "default";
// The schedule's ticks have their own unique keys; this one keeps `purge run` to one queued run.
inline constexpr const char* kPurgeUniqueKey = "pii_purge";

// Registers pii_purge (payload {}): retried with backoff on a failure (a lock timeout, PostgreSQL
// down), done at once when another instance's purge is running.
Status register_purge_job(queue::Handlers& handlers, JobContext& ctx);

struct PurgeEnqueued {
  std::int64_t job_id = 0;
  bool duplicate = false;  // one was already queued
};
// `purge.run`: a purge now.
boost::asio::awaitable<Result<PurgeEnqueued>> enqueue_purge(JobContext& ctx);

// The age metric's source: reads the oldest raw payload and sets the metrics.
boost::asio::awaitable<Status> refresh_oldest(JobContext& ctx);

}  // namespace blazed::jobs::purge
