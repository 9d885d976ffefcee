// Owns the seller_deletion job type: everything of one seller deleted in batches (PostgreSQL rows,
// Redis jobs and keys, the cached access token), resumable and idempotent; and what starts one
// (a request picked up: the seller marked deleting, its token deleted, the job queued).
#pragma once

#include "core/error.hpp"
#include "jobs/deletion/deletion_store.hpp"
#include "jobs/job_context.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace blazed::jobs::deletion {

inline constexpr const char* kDeletionJob = "seller_deletion";
// The sync's queue, in the seller's sync group ("seller:ID", jobs/sync/seller_sync.cpp): the
// deletion never runs beside a sync of that seller, and a sync queued after it finds the seller gone.
inline constexpr const char* kDeletionQueue = "sync";
inline constexpr std::int64_t kDeletionBatch = 5000;

// Registers seller_deletion (payload {"request_id": N, "seller_id": N}).
Status register_deletion_job(queue::Handlers& handlers, JobContext& ctx);

// One run for a request (what the handler does); `job_id`: the running job, spared when the
// seller's queued jobs are removed. Returns the request as completed, once its deletion.completed
// webhook is queued (jobs/webhooks; again on a run after completion, so none is lost).
boost::asio::awaitable<Result<DeletionRequest>> run_deletion(JobContext& ctx, std::int64_t request_id,
                                                             std::int64_t job_id);

// In one transaction: the seller marked deleting, its token deleted and counted, the audit event
// sellers.delete; `request_id` nullopt inserts the request (fails with seller_not_found or
// deletion_already_requested), else starts that unstarted one (the web app's). Then the cached
// access token is dropped. Returns the request's id.
struct StartRequest {
  std::int64_t seller_id = 0;
  std::optional<std::int64_t> request_id;  // the web app's row
  Clock::time_point requested_at;
  std::string actor;  // "uid:<n>" or "web-app"
};
boost::asio::awaitable<Result<std::int64_t>> start_deletion(JobContext& ctx, const StartRequest& start);

// Queues the job of an open request (a duplicate when it is already queued or running).
boost::asio::awaitable<Result<std::int64_t>> enqueue_deletion(JobContext& ctx, std::int64_t request_id,
                                                              std::int64_t seller_id);

// Picks up the web app's requests, queues every open one, refreshes the metrics.
boost::asio::awaitable<Status> process_requests(JobContext& ctx);

}  // namespace blazed::jobs::deletion
