// Owns the sync control commands `sellers.list`, `sellers.show` and `sync` (see sync_commands.hpp).
#include "jobs/sync/sync_commands.hpp"

#include "control/args.hpp"
#include "control/registry.hpp"
#include "jobs/job_context.hpp"
#include "jobs/sellers/sellers_store.hpp"
#include "jobs/sync/backfill_run.hpp"
#include "jobs/sync/backfill_store.hpp"
#include "jobs/sync/errc.hpp"
#include "jobs/sync/seller_sync.hpp"
#include "pg/pool.hpp"
#include "queue/producer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

namespace blazed::jobs::sync {

namespace {

namespace json = boost::json;
using HandlerResult = boost::asio::awaitable<Result<json::value>>;

// The queue seller syncs run on (the scheduler's seller cadence enqueues there too).
constexpr const char* kSyncQueue = "sync";

json::value iso(const std::optional<Clock::time_point>& t) {
  if (!t) return nullptr;
  std::time_t secs = std::chrono::system_clock::to_time_t(*t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return json::string(buf);
}

json::object seller_json(const jobs::sellers::SellerOverview& s, Clock::time_point now) {
  json::object types;
  for (const auto& t : s.types) {
    json::value lag = nullptr;
    if (t.cursor) lag = std::chrono::duration_cast<std::chrono::seconds>(now - *t.cursor).count();
    types[t.data_type] = json::object{{"last_sync", iso(t.last_success_at)},
                                      {"last_attempt", iso(t.last_attempt_at)},
                                      {"cursor", iso(t.cursor)},
                                      {"lag_seconds", lag},
                                      {"in_progress", t.in_progress},
                                      {"last_pages", t.last_pages},
                                      {"last_rows", t.last_rows},
                                      {"last_error", t.last_error ? json::value(*t.last_error) : nullptr}};
  }
  return json::object{{"id", s.id}, {"region", s.region}, {"status", s.status}, {"sync", std::move(types)}};
}

// Where each data type's history backfill stands: "none" (no deeper than the first sync),
// "pending" (not begun), "running" or "done", with how far back it has reached.
json::object backfill_json(const std::vector<BackfillProgress>& progress, const config::SyncBackfillConfig& config,
                           Clock::time_point now) {
  json::object out;
  for (DataType type : {DataType::orders, DataType::transactions}) {
    const auto depth = backfill_depth(config, type);
    json::object o{{"depth_days", std::chrono::duration_cast<std::chrono::hours>(depth).count() / 24}};
    auto it = std::find_if(progress.begin(), progress.end(), [&](const BackfillProgress& p) { return p.type == type; });
    if (depth <= WindowRules{}.initial_lookback) {
      o["status"] = "none";
    } else if (it == progress.end()) {
      o["status"] = "pending";
      o["oldest"] = iso(now - depth);
    } else {
      const auto oldest = it->started_at - depth;
      const auto total = std::chrono::duration<double>(it->newest - oldest).count();
      const auto done = std::chrono::duration<double>(it->newest - it->cursor).count();
      const bool finished = it->cursor <= oldest;
      o["status"] = finished ? "done" : "running";
      o["oldest"] = iso(oldest);
      o["reached"] = iso(it->cursor);
      // Rounded down while running (never 100 before the end); exactly 100 once done.
      o["percent"] = finished || total <= 0 ? 100.0 : std::min(99.9, std::floor(1000 * done / total) / 10);
      o["windows"] = it->windows;
      o["pages"] = it->pages;
      o["rows"] = it->rows;
      o["window"] = it->window ? json::value(json::object{{"after", iso(it->window->after)}, {"before", iso(it->window->before)}})
                               : json::value(nullptr);
      o["finished_at"] = iso(it->finished_at);
      o["last_error"] = it->last_error ? json::value(*it->last_error) : nullptr;
    }
    out[data_type_name(type)] = std::move(o);
  }
  return out;
}

// sellers.list's arguments: sort = id|lag (default id), limit >= 1 (default: every seller).
struct ListArgs {
  jobs::sellers::OverviewOrder order = jobs::sellers::OverviewOrder::id;
  std::optional<std::int64_t> limit;
};

Result<ListArgs> list_args(const control::Request& req) {
  auto sort = control::args::find_string(req, "sort");
  auto limit = control::args::find_int(req, "limit");
  if (!sort || !limit) return !sort ? sort.error() : limit.error();
  const std::string by = sort->value_or("id");
  if (by != "id" && by != "lag") return make_error(control::codes::bad_args, "sort must be id or lag");
  if (*limit && **limit < 1) return make_error(control::codes::bad_args, "limit must be at least 1");
  return ListArgs{by == "lag" ? jobs::sellers::OverviewOrder::lag : jobs::sellers::OverviewOrder::id, *limit};
}

}  // namespace

Status register_sync_commands(control::CommandRegistry& registry, jobs::JobContext& ctx) {
  auto list = [&ctx](const control::Request& req) -> HandlerResult {
    auto args = list_args(req);
    if (!args) co_return args.error();
    auto sellers = co_await jobs::sellers::list_seller_overview(ctx.db, args->order, args->limit);
    if (!sellers) co_return sellers.error();
    json::array out;
    const auto now = ctx.clock.now();
    for (const auto& s : *sellers) out.push_back(seller_json(s, now));
    co_return json::value(json::object{{"sellers", std::move(out)}});
  };

  auto show = [&ctx](const control::Request& req) -> HandlerResult {
    auto seller = control::args::get_int(req, "seller");
    if (!seller) co_return seller.error();
    auto overview = co_await jobs::sellers::seller_overview(ctx.db, *seller);
    if (!overview) co_return overview.error();
    auto partner = co_await jobs::sellers::seller_partner_id(ctx.db, *seller);
    if (!partner) co_return partner.error();
    SyncStore store(ctx.db, ctx.clock, ctx.keyring, ctx.nonces, "sellers.show");  // reads only
    BackfillStore backfill(ctx.db, ctx.clock, store);
    auto progress = co_await backfill.seller_progress(*seller);
    if (!progress) co_return progress.error();
    const auto now = ctx.clock.now();
    json::object out = seller_json(*overview, now);
    out["partner_id"] = *partner ? json::value(**partner) : nullptr;
    out["backfill"] = backfill_json(*progress, ctx.config.sync_backfill, now);
    co_return json::value(std::move(out));
  };

  auto sync = [&ctx](const control::Request& req) -> HandlerResult {
    auto seller = control::args::get_int(req, "seller");
    if (!seller) co_return seller.error();
    auto data = control::args::find_string(req, "data");
    if (!data) co_return data.error();
    const std::string what = data->value_or("all");
    if (what != "orders" && what != "transactions" && what != "all")
      co_return make_error(control::codes::bad_args, "data must be orders, transactions or all");
    auto overview = co_await jobs::sellers::seller_overview(ctx.db, *seller);
    if (!overview) co_return overview.error();
    if (overview->status != "active")
      co_return make_error(errc::seller_inactive, "seller " + std::to_string(*seller) + " is " + overview->status);
    queue::EnqueueOptions options;
    options.unique_key = jobs::sync::sync_unique_key(*seller, what);
    options.group = jobs::sync::sync_group(*seller);
    std::string type(jobs::sync::kSellerSyncType);
    std::string payload = jobs::sync::sync_payload(*seller, what);
    auto queued = co_await ctx.producer(kSyncQueue).enqueue(std::move(type), std::move(payload), options);
    if (!queued) co_return queued.error();
    co_return json::value(json::object{{"seller", *seller},
                                       {"data", what},
                                       {"job_id", queued->id},
                                       {"already_queued", queued->duplicate}});
  };

  using control::Effect;
  return registry.register_all({
      {"sellers.list", "sellers with status, last sync, cursor lag and last error (args: sort = id|lag, limit)", Effect::read_only, list},
      {"sellers.show", "one seller: status, partner id, per data type its sync and its history backfill (args: seller)",
       Effect::read_only, show},
      {"sync", "enqueue a seller sync now (args: seller, data)", Effect::mutating, sync},
  });
}

}  // namespace blazed::jobs::sync
