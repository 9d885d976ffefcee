// Owns the queue_probe job type: payload parsing, the run's row in queue_probe_runs (inserted at
// start, finished at the end), the cancellable hold, and the 30-day clean-up of old rows.
#include "jobs/queue_probe/queue_probe_job.hpp"

#include "core/log.hpp"
#include "metrics/registry.hpp"
#include "pg/pool.hpp"
#include "queue/handlers.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <optional>
#include <string>

namespace blazed::jobs {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kInsertRun = R"(
  INSERT INTO queue_probe_runs (job_id, queue, unique_key, attempt, instance_id, started_at)
  VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)";
constexpr const char* kFinishRun = "UPDATE queue_probe_runs SET finished_at = $2 WHERE id = $1";
// Bounded, and served by the started_at index: cheap enough to run with every probe.
constexpr const char* kDeleteOld = R"(
  DELETE FROM queue_probe_runs WHERE id IN (
    SELECT id FROM queue_probe_runs WHERE started_at < $1 ORDER BY started_at LIMIT 100))";

// hold_ms from the payload; `permanent` when the payload cannot be understood (no retry helps).
Result<std::chrono::milliseconds> hold_from_payload(const std::string& payload) {
  boost::system::error_code ec;
  json::value v = json::parse(payload.empty() ? std::string("{}") : payload, ec);
  if (ec || !v.is_object()) return make_error("permanent", "queue_probe payload is not a JSON object");
  const auto* hold = v.as_object().if_contains("hold_ms");
  if (hold == nullptr) return std::chrono::milliseconds{0};
  // Note: boost.json keeps every integer that fits in int64 as int64 (uint64 only above that).
  if (!hold->is_int64() || hold->as_int64() < 0 || hold->as_int64() > kQueueProbeMaxHold.count())
    return make_error("permanent", "queue_probe hold_ms must be an integer from 0 to 60000");
  return std::chrono::milliseconds{hold->as_int64()};
}

// Waits `hold`; a cancelled run (timeout, lost lease, graceful stop) ends the wait early.
asio::awaitable<Status> hold_for(std::chrono::milliseconds hold) {
  if (hold.count() == 0) co_return Status{};
  asio::steady_timer timer(co_await asio::this_coro::executor, hold);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (ec) co_return make_error("cancelled", "queue_probe hold was cancelled");
  co_return Status{};
}

}  // namespace

asio::awaitable<queue::HandlerOutcome> run_queue_probe(JobContext& ctx, const queue::Job& job) {
  auto hold = hold_from_payload(job.payload);
  if (!hold) co_return queue::permanent(hold.error());
  std::optional<std::string> unique_key;
  if (!job.unique_key.empty()) unique_key = job.unique_key;
  auto inserted = co_await ctx.db.query(kInsertRun, job.id, job.queue, unique_key, job.attempt,
                                        ctx.instance_id, ctx.clock.now());
  if (!inserted) co_return inserted.error().context("queue_probe: recording the run");
  auto row_id = inserted->scalar<std::int64_t>();
  if (!row_id) co_return row_id.error();

  if (auto held = co_await hold_for(*hold); !held) co_return held.error();

  const Clock::time_point now = ctx.clock.now();
  auto finished = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto done = co_await tx.query(kFinishRun, *row_id, now);
    if (!done) co_return done.error();
    auto old = co_await tx.query(kDeleteOld, now - kQueueProbeRetention);
    if (!old) co_return old.error();
    co_return Status{};
  });
  if (!finished) co_return finished.error().context("queue_probe: finishing the run");
  log::Logger("queue_probe").debug("probe run finished", {{"job_id", job.id}, {"attempt", job.attempt}});
  co_return queue::done();
}

Status register_queue_probe(queue::Handlers& handlers, JobContext& ctx) {
  // What monitoring alerts on: the probe stopped finishing (queue, workers or PostgreSQL down).
  auto& last_success = ctx.metrics.gauge(
      kQueueProbeLastSuccessMetric,
      "Unix time at which a queue_probe run last finished on this instance, by queue", {"queue"});
  queue::JobType type;
  type.handler = [&ctx, &last_success](const queue::Job& job) -> asio::awaitable<queue::HandlerOutcome> {
    auto st = co_await run_queue_probe(ctx, job);
    if (st.is_done()) {
      const auto now = std::chrono::duration<double>(ctx.clock.now().time_since_epoch()).count();
      last_success.with({job.queue}).set(now);
    }
    co_return st;
  };
  type.max_attempts = 3;
  type.timeout = kQueueProbeMaxHold + std::chrono::minutes(1);  // the longest hold plus slack
  type.backoff_base = std::chrono::seconds(1);
  type.backoff_max = std::chrono::minutes(1);
  handlers.add(kQueueProbeJob, std::move(type));
  return {};
}

}  // namespace blazed::jobs
