// Owns the SQL on sync_due and sync_due_config (see sync_due.hpp); the trigger that follows the
// sellers' status is migration 0120's.
#include "jobs/sync/sync_due.hpp"

#include "core/log.hpp"
#include "jobs/job_context.hpp"
#include "jobs/sync/sync_cadence.hpp"
#include "pg/errc.hpp"
#include "pg/executor.hpp"
#include "pg/pool.hpp"
#include "spapi/client.hpp"

namespace asio = boost::asio;

namespace blazed::jobs::sync {

namespace {

// SKIP LOCKED: two daemons' passes split the due sellers instead of waiting for each other.
constexpr const char* kLockDue =
    "SELECT seller_id, due_ms FROM sync_due WHERE due_ms <= $1 ORDER BY due_ms LIMIT $2 FOR UPDATE SKIP LOCKED";

constexpr const char* kSetDue =
    "UPDATE sync_due d SET due_ms = v.due FROM unnest($1::bigint[], $2::bigint[]) AS v(id, due) "
    "WHERE d.seller_id = v.id";

constexpr const char* kEarliestDue = "SELECT min(due_ms) FROM sync_due";

constexpr const char* kDueNow =
    "INSERT INTO sync_due (seller_id, due_ms) SELECT id, 0 FROM sellers WHERE id = $1 AND status = 'active' "
    "ON CONFLICT (seller_id) DO UPDATE SET due_ms = 0";

constexpr const char* kSynced = "UPDATE sync_due SET due_ms = greatest(due_ms, $2) WHERE seller_id = $1";

constexpr const char* kLockConfig = "SELECT interval_ms, jitter_ms FROM sync_due_config FOR UPDATE";

// Only sellers active now: one disconnected since the caller read them has no row to come back to.
constexpr const char* kReplaceDue = R"(
  INSERT INTO sync_due (seller_id, due_ms)
  SELECT v.id, v.due FROM unnest($1::bigint[], $2::bigint[]) AS v(id, due)
  JOIN sellers s ON s.id = v.id AND s.status = 'active'
  ON CONFLICT (seller_id) DO UPDATE SET due_ms = excluded.due_ms)";

constexpr const char* kStoreConfig = "UPDATE sync_due_config SET interval_ms = $1, jitter_ms = $2";

std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>> columns(const std::vector<SellerDue>& dues) {
  std::vector<std::int64_t> ids, due;
  ids.reserve(dues.size());
  due.reserve(dues.size());
  for (const auto& d : dues) {
    ids.push_back(d.seller_id);
    due.push_back(d.due_ms);
  }
  return {std::move(ids), std::move(due)};
}

}  // namespace

asio::awaitable<Result<std::vector<SellerDue>>> lock_due_sellers(pg::Executor& tx, std::int64_t now_ms,
                                                                 std::int64_t limit) {
  auto rows = co_await tx.query(kLockDue, now_ms, limit);
  if (!rows) co_return rows.error();
  std::vector<SellerDue> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) {
    auto id = row.get<std::int64_t>(0);
    auto due = row.get<std::int64_t>(1);
    if (!id || !due) co_return make_error(pg::errc::pg_decode, "sync_due row");
    out.push_back({*id, *due});
  }
  co_return out;
}

asio::awaitable<Status> set_due(pg::Executor& db, const std::vector<SellerDue>& dues) {
  if (dues.empty()) co_return Status{};
  auto [ids, due] = columns(dues);
  auto done = co_await db.query(kSetDue, ids, due);
  if (!done) co_return done.error();
  co_return Status{};
}

asio::awaitable<Result<std::optional<std::int64_t>>> earliest_due(pg::Executor& db) {
  auto rows = co_await db.query(kEarliestDue);
  if (!rows) co_return rows.error();
  if (rows->size() != 1) co_return make_error(pg::errc::pg_decode, "sync_due min");
  auto due = (*rows)[0].get<std::optional<std::int64_t>>(0);
  if (!due) co_return make_error(pg::errc::pg_decode, "sync_due min");
  co_return *due;
}

asio::awaitable<Status> mark_seller_due_now(pg::Executor& db, std::int64_t seller_id) {
  auto done = co_await db.query(kDueNow, seller_id);
  if (!done) co_return done.error();
  co_return Status{};
}

asio::awaitable<Status> record_seller_synced(pg::Executor& db, std::int64_t seller_id, std::int64_t next_due_ms) {
  auto done = co_await db.query(kSynced, seller_id, next_due_ms);
  if (!done) co_return done.error();
  co_return Status{};
}

asio::awaitable<void> note_sync_completed(JobContext& ctx, std::int64_t seller_id) {
  const auto next = next_slot(seller_id, ctx.clock.now(), ctx.config.sync_cadence);
  // An access token that will have expired by the next sync is only memory until then.
  if (ctx.spapi != nullptr) ctx.spapi->forget_unless_valid_at(seller_id, next);
  if (auto st = co_await record_seller_synced(ctx.db, seller_id, unix_millis(next)); !st)
    log::Logger("seller_cadence").warn("recording a completed sync failed",
                                       {{"seller_id", seller_id}, {"error", st.error().message}});
}

asio::awaitable<Result<DueConfig>> lock_due_config(pg::Executor& tx) {
  auto rows = co_await tx.query(kLockConfig);
  if (!rows) co_return rows.error();
  if (rows->size() != 1) co_return make_error(pg::errc::pg_decode, "sync_due_config row");
  auto interval = (*rows)[0].get<std::int64_t>(0);
  auto jitter = (*rows)[0].get<std::int64_t>(1);
  if (!interval || !jitter) co_return make_error(pg::errc::pg_decode, "sync_due_config row");
  co_return DueConfig{*interval, *jitter};
}

asio::awaitable<Status> replace_due(pg::Executor& tx, const std::vector<SellerDue>& dues, const DueConfig& config) {
  auto [ids, due] = columns(dues);
  if (auto done = co_await tx.query(kReplaceDue, ids, due); !done) co_return done.error();
  if (auto done = co_await tx.query(kStoreConfig, config.interval_ms, config.jitter_ms); !done)
    co_return done.error();
  co_return Status{};
}

}  // namespace blazed::jobs::sync
