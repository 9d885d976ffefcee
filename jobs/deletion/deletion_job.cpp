// Owns the seller_deletion job type and what starts a deletion (see deletion_job.hpp).
#include "jobs/deletion/deletion_job.hpp"

#include "core/log.hpp"
#include "jobs/deletion/business_days.hpp"
#include "jobs/deletion/deletion_metrics.hpp"
#include "jobs/deletion/deletion_redis.hpp"
#include "jobs/sellers/errc.hpp"
#include "jobs/sellers/sellers_store.hpp"
#include "jobs/webhooks/webhook_job.hpp"
#include "pg/audit.hpp"
#include "pg/pool.hpp"
#include "queue/errc.hpp"
#include "queue/handlers.hpp"
#include "queue/producer.hpp"
#include "spapi/client.hpp"
#include "spapi/iso_time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace blazed::jobs::deletion {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string seller_group(std::int64_t seller_id) { return "seller:" + std::to_string(seller_id); }

void forget_access_token(JobContext& ctx, std::int64_t seller_id) {
  if (ctx.spapi != nullptr) ctx.spapi->forget(seller_id);
}

// The seller's rows of one table, a batch per transaction, until none is left.
asio::awaitable<Status> delete_table(JobContext& ctx, std::int64_t request_id, std::string_view table,
                                     std::int64_t seller_id) {
  while (true) {
    std::int64_t n = 0;
    auto st = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
      auto deleted = co_await delete_seller_rows(tx, request_id, table, seller_id, kDeletionBatch);
      if (!deleted) co_return deleted.error();
      n = *deleted;
      co_return Status{};
    });
    if (!st) co_return st;
    if (n < kDeletionBatch) co_return Status{};
  }
}

// After the seller row's delete, in its transaction: every raw payload of the seller left.
asio::awaitable<Status> delete_late_raw_payloads(pg::Tx& tx, std::int64_t request_id, std::int64_t seller_id) {
  while (true) {
    auto deleted = co_await delete_seller_rows(tx, request_id, kRawPayloadsTable, seller_id, kDeletionBatch);
    if (!deleted) co_return deleted.error();
    if (*deleted < kDeletionBatch) co_return Status{};
  }
}

json::value time_or_null(const std::optional<Clock::time_point>& t) {
  return t ? json::value(spapi::format_iso8601(*t)) : json::value(nullptr);
}

// Tells the web app the deletion is complete (it sends the user the confirmation): the record's ids,
// times and counts, nothing of the seller. Queued again on every run after completion, so a
// failed enqueue is retried with the job; the receiver acts once per event id.
asio::awaitable<Status> notify_completed(JobContext& ctx, const DeletionRequest& r) {
  webhooks::Notice notice;
  notice.event = "deletion.completed";
  notice.event_id = "deletion:" + std::to_string(r.id);
  notice.seller_id = r.seller_id;
  notice.data = json::object{{"request_id", r.id},
                             {"seller_id", r.seller_id},
                             {"requested_at", spapi::format_iso8601(r.requested_at)},
                             {"deadline", time_or_null(r.deadline)},
                             {"completed_at", time_or_null(r.completed_at)},
                             {"rows_deleted", r.rows_deleted},
                             {"redis_keys_deleted", r.redis_keys_deleted}};
  auto queued = co_await webhooks::enqueue_webhook(ctx, notice);
  if (!queued) co_return queued.error().context("queueing the deletion webhook");
  co_return Status{};
}

Result<std::pair<std::int64_t, std::int64_t>> parse_payload(const std::string& payload) {
  boost::system::error_code ec;
  auto v = json::parse(payload, ec);
  if (ec || !v.is_object()) return make_error(queue::errc::permanent, "seller_deletion payload is not a JSON object");
  const auto* r = v.as_object().if_contains("request_id");
  const auto* s = v.as_object().if_contains("seller_id");
  if (r == nullptr || s == nullptr || !r->is_int64() || !s->is_int64())
    return make_error(queue::errc::permanent, "seller_deletion payload needs request_id and seller_id");
  return std::pair{r->as_int64(), s->as_int64()};
}

asio::awaitable<queue::HandlerOutcome> deletion_job(JobContext& ctx, const queue::Job& job) {
  auto ids = parse_payload(job.payload);
  if (!ids) co_return queue::permanent(ids.error());
  auto done = co_await run_deletion(ctx, ids->first, job.id);
  if (!done) co_return queue::retry(done.error());
  co_return queue::done();
}

}  // namespace

asio::awaitable<Result<DeletionRequest>> run_deletion(JobContext& ctx, std::int64_t request_id, std::int64_t job_id) {
  log::Logger logger("deletion");
  auto found = co_await request_by_id(ctx.db, request_id);
  if (!found) co_return found.error();
  if (!*found) co_return make_error(queue::errc::permanent, "no deletion request " + std::to_string(request_id));
  if ((*found)->completed_at) {  // done before: only the web app's notice again
    if (auto notified = co_await notify_completed(ctx, **found); !notified) co_return notified.error();
    co_return std::move(**found);
  }
  const std::int64_t seller = (*found)->seller_id;

  // The token first (also gone at the request; again in case the seller was reconnected meanwhile).
  auto tokens = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto marked = co_await sellers::mark_deleting(tx, seller, ctx.clock.now());
    if (!marked) co_return marked.error();
    auto gone = co_await sellers::delete_token(tx, seller);
    if (!gone) co_return gone.error();
    if (*gone > 0) co_return co_await add_rows(tx, request_id, sellers::kTokensTable, *gone);
    co_return Status{};
  });
  if (!tokens) co_return tokens.error();
  forget_access_token(ctx, seller);

  for (const auto table : seller_tables())
    if (auto st = co_await delete_table(ctx, request_id, table, seller); !st) co_return st.error();

  auto keys = co_await delete_seller_redis(ctx.redis, ctx.clock, ctx.config.queue.queues, seller, job_id);
  if (!keys) co_return keys.error();

  Result<DeletionRequest> completed = make_error(queue::errc::permanent, "deletion not completed");
  auto st = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto gone = co_await sellers::delete_seller(tx, seller);
    if (!gone) co_return gone.error();
    if (*gone > 0) {
      if (auto added = co_await add_rows(tx, request_id, "sellers", *gone); !added) co_return added;
    }
    // A sync still committing pages wrote rows after their table's pass: the seller's delete
    // cascades to every table but raw_payloads (no foreign key), so its rows go again here. From
    // now on no page of this seller can commit (its sync_state row is gone and cannot come back).
    if (auto late = co_await delete_late_raw_payloads(tx, request_id, seller); !late) co_return late;
    completed = co_await complete_request(tx, request_id, ctx.clock.now(), *keys);
    if (!completed) co_return completed.error();
    pg::AuditEvent e;
    e.actor = "instance:" + ctx.instance_id;
    e.action = "deletion.completed";
    e.seller_id = seller;
    e.data_type = "seller";
    for (const auto& [table, rows] : completed->rows_deleted)
      if (rows.is_int64()) e.rows += rows.as_int64();
    e.detail["request_id"] = request_id;
    e.detail["rows_deleted"] = completed->rows_deleted;
    e.detail["redis_keys_deleted"] = *keys;
    e.detail["overdue"] = completed->deadline && *completed->completed_at > *completed->deadline;
    auto audited = co_await pg::record_audit(tx, ctx.clock, e);
    if (!audited) co_return audited.error();
    co_return Status{};
  });
  if (!st) co_return st.error().context("completing the deletion");
  DeletionMetrics(ctx.metrics).record_completed();
  logger.info("seller deleted", {{"seller_id", seller}, {"request_id", request_id}});
  if (auto notified = co_await notify_completed(ctx, *completed); !notified) co_return notified.error();
  co_return completed;
}

asio::awaitable<Result<std::int64_t>> start_deletion(JobContext& ctx, const StartRequest& start) {
  const Clock::time_point now = ctx.clock.now();
  const Clock::time_point deadline =
      add_business_days(start.requested_at, kDeletionBusinessDays, ctx.config.retention.holidays);
  std::int64_t request_id = start.request_id.value_or(0);
  auto st = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto prior = co_await sellers::mark_deleting(tx, start.seller_id, now);
    if (!prior) co_return prior.error();
    if (!*prior)
      co_return make_error(sellers::errc::seller_not_found, "no seller " + std::to_string(start.seller_id));
    if (start.request_id) {
      if (auto started = co_await start_request(tx, *start.request_id, now, deadline); !started) co_return started;
    } else {
      auto id = co_await insert_request(tx, start.seller_id, start.actor, now, deadline);
      if (!id) co_return id.error();
      request_id = *id;
    }
    auto gone = co_await sellers::delete_token(tx, start.seller_id);
    if (!gone) co_return gone.error();
    if (*gone > 0) {
      if (auto added = co_await add_rows(tx, request_id, sellers::kTokensTable, *gone); !added) co_return added;
    }
    pg::AuditEvent e;
    e.actor = start.actor;
    e.action = "sellers.delete";
    e.seller_id = start.seller_id;
    e.data_type = "seller";
    e.rows = *gone;
    e.detail["request_id"] = request_id;
    e.detail["previous_status"] = **prior;
    auto audited = co_await pg::record_audit(tx, ctx.clock, e);
    if (!audited) co_return audited.error();
    co_return Status{};
  });
  if (!st) co_return st.error();
  forget_access_token(ctx, start.seller_id);
  co_return request_id;
}

asio::awaitable<Result<std::int64_t>> enqueue_deletion(JobContext& ctx, std::int64_t request_id, std::int64_t seller_id) {
  queue::EnqueueOptions options;
  options.unique_key = "deletion:" + std::to_string(request_id);
  options.group = seller_group(seller_id);
  const std::string payload = json::serialize(json::object{{"request_id", request_id}, {"seller_id", seller_id}});
  auto queued = co_await ctx.producer(kDeletionQueue).enqueue(kDeletionJob, payload, options);
  if (!queued) co_return queued.error();
  co_return queued->id;
}

asio::awaitable<Status> process_requests(JobContext& ctx) {
  log::Logger logger("deletion");
  auto fresh = co_await unstarted_requests(ctx.db);
  if (!fresh) co_return fresh.error();
  for (const auto& r : *fresh) {
    const StartRequest start{r.seller_id, r.id, r.requested_at, r.requested_by};
    auto started = co_await start_deletion(ctx, start);
    if (!started && started.error().code == sellers::errc::seller_not_found) {
      // Nothing of that seller is here: the request is complete as it stands.
      auto st = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
        if (auto s = co_await start_request(tx, r.id, ctx.clock.now(), ctx.clock.now()); !s) co_return s;
        auto done = co_await complete_request(tx, r.id, ctx.clock.now(), 0);
        if (!done) co_return done.error();
        co_return Status{};
      });
      if (!st) co_return st;
      logger.warn("deletion request for an unknown seller completed with nothing to delete",
                  {{"request_id", r.id}});
      continue;
    }
    if (!started) co_return started.error();
  }
  auto open = co_await open_requests(ctx.db);
  if (!open) co_return open.error();
  std::int64_t overdue = 0;
  for (const auto& r : *open) {
    if (r.deadline && *r.deadline < ctx.clock.now()) ++overdue;
    if (auto q = co_await enqueue_deletion(ctx, r.id, r.seller_id); !q) co_return q.error();
  }
  DeletionMetrics(ctx.metrics).record_open(static_cast<std::int64_t>(open->size()), overdue);
  co_return Status{};
}

Status register_deletion_job(queue::Handlers& handlers, JobContext& ctx) {
  DeletionMetrics metrics(ctx.metrics);  // the families exist from the start
  queue::JobType type;
  type.handler = [&ctx](const queue::Job& job) { return deletion_job(ctx, job); };
  type.max_attempts = 10;
  type.timeout = std::chrono::hours(2);
  type.backoff_base = std::chrono::minutes(1);
  type.backoff_max = std::chrono::hours(1);
  handlers.add(kDeletionJob, std::move(type));
  return {};
}

}  // namespace blazed::jobs::deletion
