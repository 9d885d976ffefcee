// Owns the seller_sync job's flow (see seller_sync.hpp): payload, seller and token, each data
// type's run, then its audit event, metrics and last error; invalid_grant and invalid_client.
#include "jobs/sync/seller_sync.hpp"

#include "core/log.hpp"
#include "jobs/job_context.hpp"
#include "jobs/sync/backfill_run.hpp"
#include "jobs/sellers/errc.hpp"
#include "jobs/sync/errc.hpp"
#include "jobs/sync/sync_adapters.hpp"
#include "jobs/sync/sync_metrics.hpp"
#include "jobs/sync/sync_run.hpp"
#include "pg/pool.hpp"
#include "queue/handlers.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "spapi/errc.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <atomic>

namespace asio = boost::asio;
namespace json = boost::json;

namespace blazed::jobs::sync {

namespace {

const log::Logger& logger() {
  static const log::Logger l("sync");
  return l;
}

// A fencing token for a run not started by the queue (tools, tests): this instance, the time,
// and a count, so no two such runs share one.
std::string direct_run_id(const JobContext& ctx) {
  static std::atomic<std::uint64_t> runs{0};
  return "direct:" + ctx.instance_id + ":" + std::to_string(unix_millis(ctx.clock.now())) + ":" +
         std::to_string(++runs);
}

}  // namespace

Result<SyncRequest> parse_sync_payload(std::string_view payload) {
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec);
  const auto bad = [] { return make_error(errc::bad_payload, R"(expected {"seller_id":N,"data":"orders"|"transactions"|"all"})"); };
  if (ec || !v.is_object()) return bad();
  const auto& o = v.as_object();
  const auto* id = o.if_contains("seller_id");
  if (id == nullptr || !id->is_int64() || id->as_int64() <= 0) return bad();
  SyncRequest r;
  r.seller_id = id->as_int64();
  std::string_view data = "all";
  if (const auto* d = o.if_contains("data")) {
    if (!d->is_string()) return bad();
    data = d->as_string();
  }
  if (data == "orders" || data == "all") r.types.push_back(DataType::orders);
  if (data == "transactions" || data == "all") r.types.push_back(DataType::transactions);
  if (r.types.empty()) return bad();
  return r;
}

std::string sync_payload(std::int64_t seller_id, std::string_view data) {
  json::object o;
  o["seller_id"] = seller_id;
  o["data"] = data;
  return json::serialize(o);
}

std::string sync_unique_key(std::int64_t seller_id, std::string_view data) {
  return "seller_sync:" + std::to_string(seller_id) + ":" + std::string(data);
}

std::string sync_group(std::int64_t seller_id) { return "seller:" + std::to_string(seller_id); }

asio::awaitable<queue::HandlerOutcome> run_seller_sync(JobContext& ctx, SyncMetrics& metrics, const SyncRequest& request) {
  if (ctx.spapi == nullptr) co_return make_error(errc::spapi_not_configured, "spapi.client_id is empty");
  SyncStore store(ctx.db, ctx.clock, ctx.keyring, ctx.nonces,
                  request.run_id.empty() ? direct_run_id(ctx) : request.run_id);
  StoredSellers sellers(ctx.db, ctx.keyring, ctx.clock);
  SpApiPages pages(*ctx.spapi);
  LimiterGate gate(ctx.rate_limiter);
  PgSyncAudit audit(ctx.db, ctx.clock, "instance:" + ctx.instance_id);
  const FetchOptions fetch{ctx.config.spapi.included_data, ctx.config.spapi.max_results_per_page};
  const SyncPorts ports{sellers, store, pages, gate, audit, metrics, ctx.clock};
  queue::HandlerOutcome outcome = co_await run_seller_sync(ports, fetch, request);
  // Synced: the seller's history beyond the first sync follows in the background.
  if (outcome.is_done())
    if (auto st = co_await enqueue_backfill_if_due(ctx, request.seller_id); !st)
      logger().warn("could not queue the seller's backfill", {{"seller", request.seller_id}, {"error", st.error().code}});
  co_return outcome;
}

asio::awaitable<queue::HandlerOutcome> run_seller_sync(SyncPorts ports, const FetchOptions& fetch, const SyncRequest& request) {
  const std::int64_t id = request.seller_id;
  auto seller = co_await ports.sellers.seller(id);
  if (!seller) co_return seller.error().code == jobs::sellers::errc::seller_not_found ? queue::permanent(seller.error().message)
                                                                   : queue::retry(seller.error());
  if (seller->status != "active") co_return queue::permanent("seller " + std::to_string(id) + " is " + seller->status);
  if (!seller->token_ciphertext) co_return queue::permanent("seller " + std::to_string(id) + " has no refresh token");
  auto region = spapi::parse_region(seller->region);
  if (!region) co_return queue::permanent("seller " + std::to_string(id) + " has an unknown region");
  const std::string row = std::to_string(id);
  // The refresh token is decrypted by the first call that needs it (SellerToken).
  spapi::SellerAuth auth{id, *region, nullptr};
  SellerToken token(ports.sellers, *seller, auth);

  std::optional<Error> failed;
  std::optional<Clock::time_point> defer_at;
  for (DataType type : request.types) {
    const auto started = std::chrono::steady_clock::now();
    RunReport report;
    // A named target: GCC 12 destroys aggregate temporaries of a co_await expression twice.
    const RunTarget target{*seller, auth, type, window_rules(type), fetch, &token};
    queue::HandlerOutcome st = co_await sync_data_type(ports, target, report);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    std::string outcome = "success";
    const queue::Defer* deferred = st.deferral();
    if (!st.is_done()) outcome = deferred                                          ? "deferred"
                                 : st.error()->code == spapi::errc::lwa_invalid_grant ? "needs_reauth"
                                 : st.error()->code == errc::sync_stopped             ? "stopped"
                                                                                      : "failure";
    ports.metrics.run(type, outcome);
    const std::optional<Error> error = st.is_done() ? std::nullopt
                                       : deferred   ? make_error(errc::defer, deferred->reason)
                                                    : std::optional<Error>(*st.error());
    if (!report.token_opened) report.token_opened = token.take_unaudited();
    // Stored pages carry their own audit events and a deferral is counted on its run; a failure,
    // or a decryption no page recorded, is audited here.
    const bool failure = !st.is_done() && deferred == nullptr;
    if (failure || report.token_opened) {
      if (auto a = co_await ports.audit.run(id, type, report, took, outcome, error ? &*error : nullptr); !a)
        logger().warn("could not record the sync audit event", {{"seller", id}, {"error", a.error().code}});
    }
    if (st.is_done()) continue;
    if (deferred) {
      defer_at = defer_at ? std::min(*defer_at, deferred->until) : deferred->until;
      continue;
    }
    const Error& e = *st.error();
    if (e.code == errc::sync_stopped) {
      // Disconnected or re-tokened mid-run: the pages stored so far stay, nothing else is asked.
      logger().info("sync stopped: the seller changed while it ran", {{"seller", id}});
      co_return queue::permanent(e.message);
    }
    if (auto r = co_await ports.store.record_error(id, type, e); !r)
      logger().warn("could not record the sync error", {{"seller", id}, {"error", r.error().code}});
    if (e.code == spapi::errc::lwa_invalid_grant) {
      // The refresh token is revoked: stop syncing this seller until it re-authorizes.
      if (auto r = co_await ports.sellers.mark_needs_reauth(id); !r) co_return r.error();
      if (auto a = co_await ports.audit.needs_reauth(id); !a) co_return a.error();
      ports.metrics.needs_reauth();
      logger().warn("seller needs re-authorization (LWA invalid_grant)", {{"seller", id}});
      co_return queue::permanent("seller " + row + " needs re-authorization (lwa_invalid_grant)");
    }
    if (e.code == spapi::errc::lwa_invalid_client) {
      // The app's own credentials: every seller fails alike, so alert once per run and stop.
      ports.metrics.invalid_client();
      logger().error("LWA refused the app's client credentials (invalid_client): rotate spapi.client_secret",
                     {{"seller", id}});
      co_return e;
    }
    logger().warn("sync failed", {{"seller", id}, {"data_type", std::string(data_type_name(type))},
                                  {"error", e.code}});
    if (!failed) failed = e;
  }
  if (failed) co_return *failed;
  if (defer_at) co_return queue::defer_until(*defer_at, "rate limit: next token due later");
  co_return queue::done();
}

}  // namespace blazed::jobs::sync
