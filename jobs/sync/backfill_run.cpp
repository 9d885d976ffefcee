// Owns the seller_backfill job (see backfill_run.hpp): the window arithmetic, the loop over data
// types and windows on top of the sync's page loop, its queueing and its registration.
#include "jobs/sync/backfill_run.hpp"

#include "jobs/job_context.hpp"
#include "jobs/sync/backfill_store.hpp"
#include "jobs/sync/errc.hpp"
#include "jobs/sync/seller_sync.hpp"
#include "jobs/sync/sync_adapters.hpp"
#include "jobs/sync/sync_metrics.hpp"
#include "pg/pool.hpp"
#include "queue/handlers.hpp"
#include "queue/producer.hpp"

#include <boost/json/parse.hpp>

#include <memory>

namespace asio = boost::asio;
namespace json = boost::json;

namespace blazed::jobs::sync {

namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

constexpr DataType kTypes[] = {DataType::orders, DataType::transactions};

// How long a backfill waits for the seller's first sync to begin (its first window's start is
// where the backfill takes over).
constexpr std::chrono::minutes kWaitForFirstSync{1};

// Whether `type` needs a backfill at all: deeper than the first sync's look-back.
bool wanted(const config::SyncBackfillConfig& config, DataType type) {
  return backfill_depth(config, type) > WindowRules{}.initial_lookback;
}

}  // namespace

milliseconds backfill_depth(const config::SyncBackfillConfig& config, DataType type) {
  return type == DataType::orders ? config.orders : config.transactions;
}

milliseconds backfill_window_span(DataType type) {
  return type == DataType::orders ? milliseconds{hours{24 * 14}} : milliseconds{hours{24 * 90}};
}

std::optional<SyncWindow> next_backfill_window(TimePoint cursor, TimePoint oldest, milliseconds span) {
  if (cursor <= oldest) return std::nullopt;
  return SyncWindow{std::max(oldest, cursor - span), cursor};
}

Result<std::int64_t> parse_backfill_payload(std::string_view payload) {
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec);
  const auto* id = !ec && v.is_object() ? v.as_object().if_contains("seller_id") : nullptr;
  if (id == nullptr || !id->is_int64() || id->as_int64() <= 0)
    return make_error(errc::bad_payload, R"(expected {"seller_id":N})");
  return id->as_int64();
}

asio::awaitable<queue::HandlerOutcome> run_seller_backfill(JobContext& ctx, SyncMetrics& metrics,
                                                           std::int64_t seller_id) {
  if (ctx.spapi == nullptr) co_return make_error(errc::spapi_not_configured, "spapi.client_id is empty");
  // The sync's store only commits the backfill's pages here; their window is sync_backfill's
  // row (one backfill per seller at a time: its unique key), not fenced by a sync run.
  SyncStore store(ctx.db, ctx.clock, ctx.keyring, ctx.nonces, std::string(kSellerBackfillType));
  BackfillStore backfill(ctx.db, ctx.clock, store);
  StoredSellers sellers(ctx.db, ctx.keyring, ctx.clock);
  SpApiPages pages(*ctx.spapi);
  LimiterGate gate(ctx.rate_limiter);
  PgSyncAudit audit(ctx.db, ctx.clock, "instance:" + ctx.instance_id);
  const FetchOptions fetch{ctx.config.spapi.included_data, ctx.config.spapi.max_results_per_page};
  // The page loop runs against the backfill's state: each call completes one window per type.
  const SyncPorts ports{sellers, backfill, pages, gate, audit, metrics, ctx.clock};
  const WindowRules first_sync;
  while (true) {
    SyncRequest request{seller_id, {}, std::string(kSellerBackfillType)};
    bool waiting = false;
    for (DataType type : kTypes) {
      if (!wanted(ctx.config.sync_backfill, type)) continue;
      auto progress = co_await backfill.progress(seller_id, type);
      if (!progress) co_return progress.error();
      if (!*progress) {
        // It takes over where the first sync's window began: that sync must have begun.
        auto first = co_await store.state(seller_id, type);
        if (!first) co_return first.error();
        if (!first->cursor && !first->run) {
          waiting = true;
          continue;
        }
        // Overlapping the first sync's window a little: nothing between them is missed.
        const TimePoint newest = ctx.clock.now() - first_sync.initial_lookback + first_sync.overlap;
        if (auto st = co_await backfill.start(seller_id, type, newest); !st) co_return st.error();
        progress = co_await backfill.progress(seller_id, type);
        if (!progress) co_return progress.error();
        if (!*progress) co_return make_error(errc::sync_state_missing, "backfill not started");
      }
      const BackfillProgress& p = **progress;
      if (!p.window) {
        const TimePoint oldest = p.started_at - backfill_depth(ctx.config.sync_backfill, type);
        auto window = next_backfill_window(p.cursor, oldest, backfill_window_span(type));
        if (!window) {
          if (!p.finished_at)
            if (auto st = co_await backfill.finish(seller_id, type); !st) co_return st.error();
          continue;
        }
        if (auto st = co_await backfill.begin_run(seller_id, type, *window); !st) co_return st.error();
      }
      request.types.push_back(type);
    }
    if (request.types.empty()) {
      if (waiting) co_return queue::defer_until(ctx.clock.now() + kWaitForFirstSync, "the first sync has not begun");
      co_return queue::done();
    }
    queue::HandlerOutcome outcome = co_await run_seller_sync(ports, fetch, request);
    if (!outcome.is_done()) co_return outcome;
  }
}

asio::awaitable<Status> enqueue_backfill_if_due(JobContext& ctx, std::int64_t seller_id) {
  SyncStore store(ctx.db, ctx.clock, ctx.keyring, ctx.nonces, std::string(kSellerBackfillType));
  BackfillStore backfill(ctx.db, ctx.clock, store);
  bool due = false;
  for (DataType type : kTypes) {
    if (!wanted(ctx.config.sync_backfill, type)) continue;
    auto p = co_await backfill.progress(seller_id, type);
    if (!p) co_return p.error();
    // Not started, not finished, or finished before the configured depth grew.
    if (!*p || !(*p)->finished_at || (*p)->cursor > (*p)->started_at - backfill_depth(ctx.config.sync_backfill, type))
      due = true;
  }
  if (!due) co_return Status{};
  queue::EnqueueOptions options;
  options.unique_key = "seller_backfill:" + std::to_string(seller_id);  // one at a time per seller
  options.priority = 0;  // the lowest: behind anything else ever put on its queue
  auto queued = co_await ctx.producer(std::string(kBackfillQueue))
                    .enqueue(std::string(kSellerBackfillType), R"({"seller_id":)" + std::to_string(seller_id) + "}",
                             options);
  if (!queued) co_return queued.error();
  co_return Status{};
}

Status register_seller_backfill(queue::Handlers& handlers, JobContext& ctx) {
  auto metrics = std::make_shared<SyncMetrics>(ctx.metrics);
  queue::JobType type;
  type.handler = [&ctx, metrics](const queue::Job& job) -> asio::awaitable<queue::HandlerOutcome> {
    auto seller = parse_backfill_payload(job.payload);
    if (!seller) co_return queue::permanent(seller.error().message);
    co_return co_await run_seller_backfill(ctx, *metrics, *seller);
  };
  // As the sync: rate-limit waits are deferrals, attempts are real failures; a run walks windows
  // until it defers, so it may take longer than one sync.
  type.max_attempts = 8;
  type.timeout = std::chrono::minutes(30);
  type.backoff_base = std::chrono::seconds(5);
  type.backoff_max = std::chrono::minutes(30);
  handlers.add(std::string(kSellerBackfillType), std::move(type));
  return {};
}

}  // namespace blazed::jobs::sync
