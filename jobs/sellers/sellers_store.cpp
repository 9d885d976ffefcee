// Owns the SQL on sellers and seller_tokens (see sellers_store.hpp): every statement on those two
// tables in daemon/ and jobs/ is in this file (migrations aside).
#include "jobs/sellers/sellers_store.hpp"

#include "jobs/sellers/errc.hpp"
#include "pg/errc.hpp"
#include "pg/executor.hpp"

#include <algorithm>
#include <iterator>

namespace asio = boost::asio;

namespace blazed::jobs::sellers {

namespace {

constexpr const char* kSellerWithToken =
    "SELECT s.id, s.region, array_to_string(s.marketplaces, ','), s.status, t.ciphertext, t.key_id, "
    "s.token_generation "
    "FROM sellers s LEFT JOIN seller_tokens t ON t.seller_id = s.id WHERE s.id = $1";

// A NULL partner id never conflicts (a new seller each time). A known partner id: the seller
// is active again under a new token generation, unless it is being deleted (then no row).
// xmax is 0 on a row this statement inserted, set on one it updated.
constexpr const char* kConnectSeller =
    "INSERT INTO sellers (region, marketplaces, partner_id) VALUES ($1, $2::text[], $3) "
    "ON CONFLICT (partner_id) DO UPDATE SET region = EXCLUDED.region, "
    "marketplaces = EXCLUDED.marketplaces, status = 'active', "
    "token_generation = sellers.token_generation + 1, updated_at = now() "
    "WHERE sellers.status <> 'deleting' "
    "RETURNING id, xmax <> 0";

constexpr const char* kStoreToken =
    "INSERT INTO seller_tokens (seller_id, ciphertext, key_id) VALUES ($1, $2, $3) "
    "ON CONFLICT (seller_id) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, key_id = EXCLUDED.key_id, "
    "updated_at = now()";

// A seller being deleted keeps that status; its token goes all the same.
constexpr const char* kMarkDisconnected =
    "UPDATE sellers SET status = CASE WHEN status = 'deleting' THEN status ELSE 'disconnected' END, "
    "token_generation = token_generation + 1, updated_at = now() WHERE id = $1 RETURNING status";

constexpr const char* kLockStatus = "SELECT status FROM sellers WHERE id = $1 FOR UPDATE";

constexpr const char* kReauthorized =
    "UPDATE sellers SET status = 'active', token_generation = token_generation + 1, updated_at = $2 "
    "WHERE id = $1 AND status = 'needs_reauth'";

constexpr const char* kDeleteToken = "DELETE FROM seller_tokens WHERE seller_id = $1";

constexpr const char* kNeedsReauth =
    "UPDATE sellers SET status = 'needs_reauth', updated_at = $2 WHERE id = $1 AND status = 'active'";

constexpr const char* kDeleteAllTokens = "DELETE FROM seller_tokens RETURNING seller_id";

constexpr const char* kAllNeedReauth =
    "UPDATE sellers SET status = 'needs_reauth', updated_at = $1 WHERE status = 'active'";

// Returns the status before the change (the row locked), none when there is no such seller.
constexpr const char* kMarkDeleting =
    "UPDATE sellers s SET status = 'deleting', updated_at = $2 FROM (SELECT id, status FROM sellers "
    "WHERE id = $1 FOR UPDATE) old WHERE s.id = old.id RETURNING old.status";

constexpr const char* kDeleteSeller = "DELETE FROM sellers WHERE id = $1 AND status = 'deleting'";

constexpr const char* kActiveSellers = R"(
  SELECT s.id, max(st.last_success_at)
  FROM sellers s LEFT JOIN sync_state st ON st.seller_id = s.id
  WHERE s.status = 'active'
  GROUP BY s.id)";

// $1: one seller or NULL for all; $2: order by lag; $3: at most that many sellers (NULL: all).
// The sellers are picked, ordered and cut first, then joined with their sync rows.
constexpr const char* kOverview = R"(
  WITH picked AS (
    SELECT s.id, s.region, s.status,
           row_number() OVER (ORDER BY CASE WHEN $2::bool THEN min(st.cursor) END ASC NULLS FIRST, s.id) AS rank
    FROM sellers s LEFT JOIN sync_state st ON st.seller_id = s.id
    WHERE $1::bigint IS NULL OR s.id = $1
    GROUP BY s.id
    ORDER BY rank
    LIMIT $3::bigint)
  SELECT p.id, p.region, p.status, st.data_type, st.cursor, st.last_success_at, st.last_attempt_at,
         st.last_error, st.run_after IS NOT NULL, coalesce(st.last_pages, 0), coalesce(st.last_rows, 0)
  FROM picked p LEFT JOIN sync_state st ON st.seller_id = p.id
  ORDER BY p.rank, st.data_type)";

// The fleet summary: one row per status, and per data type one row per lag bucket of the active
// sellers' cursors. $1 = now, $2 = the bounds in seconds; the edges are now - bound, ascending, so
// width_bucket(cursor, edges) counts the bounds a cursor's lag is within (one comparison search
// per row, no arithmetic per row: the query costs about the join itself).
constexpr const char* kFleetSummary = R"(
  WITH edges AS (
    SELECT array_agg($1::timestamptz - make_interval(secs => b) ORDER BY b DESC) AS at
    FROM unnest($2::float8[]) AS b)
  SELECT 'lag', st.data_type, width_bucket(st.cursor, (SELECT at FROM edges)), count(*),
         extract(epoch FROM $1::timestamptz - min(st.cursor))::float8
  FROM sync_state st JOIN sellers s ON s.id = st.seller_id
  WHERE s.status = 'active' AND st.cursor IS NOT NULL
  GROUP BY 2, 3
  UNION ALL
  SELECT 'status', status, 0, count(*), 0 FROM sellers GROUP BY status)";

// `bounds` as a float8[] literal.
std::string bounds_literal(const std::vector<double>& bounds) {
  std::string out = "{";
  for (double b : bounds) out += (out.size() > 1 ? "," : "") + std::to_string(b);
  return out + "}";
}

std::vector<std::string> split_csv(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

asio::awaitable<Result<std::vector<SellerOverview>>> overview(pg::Executor& db, std::optional<std::int64_t> id,
                                                              OverviewOrder order, std::optional<std::int64_t> limit) {
  auto rows = co_await db.query(kOverview, id, order == OverviewOrder::lag, limit);
  if (!rows) co_return rows.error();
  std::vector<SellerOverview> out;
  for (const auto& row : *rows) {
    auto sid = row.get<std::int64_t>(0);
    auto region = row.get<std::string>(1);
    auto status = row.get<std::string>(2);
    auto type = row.get<std::optional<std::string>>(3);
    if (!sid || !region || !status || !type) co_return make_error(pg::errc::pg_decode, "sellers overview row");
    if (out.empty() || out.back().id != *sid) out.push_back(SellerOverview{*sid, *region, *status, {}});
    if (!*type) continue;
    DataTypeStatus t;
    t.data_type = **type;
    auto cursor = row.get<std::optional<Clock::time_point>>(4);
    auto success = row.get<std::optional<Clock::time_point>>(5);
    auto attempt = row.get<std::optional<Clock::time_point>>(6);
    auto error = row.get<std::optional<std::string>>(7);
    auto running = row.get<bool>(8);
    auto pages = row.get<std::int64_t>(9);
    auto nrows = row.get<std::int64_t>(10);
    if (!cursor || !success || !attempt || !error || !running || !pages || !nrows)
      co_return make_error(pg::errc::pg_decode, "sellers overview row");
    t.cursor = *cursor;
    t.last_success_at = *success;
    t.last_attempt_at = *attempt;
    t.last_error = *error;
    t.in_progress = *running;
    t.last_pages = *pages;
    t.last_rows = *nrows;
    out.back().types.push_back(std::move(t));
  }
  co_return out;
}

}  // namespace

asio::awaitable<Result<SellerRow>> seller_with_token(pg::Executor& db, std::int64_t seller_id) {
  auto rows = co_await db.query(kSellerWithToken, seller_id);
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return make_error(errc::seller_not_found, "no seller " + std::to_string(seller_id));
  auto row = (*rows)[0];
  SellerRow out;
  out.id = seller_id;
  auto region = row.get<std::string>(1);
  auto markets = row.get<std::string>(2);
  auto status = row.get<std::string>(3);
  auto token = row.get<std::optional<pg::Bytes>>(4);
  auto token_key = row.get<std::optional<std::string>>(5);
  auto generation = row.get<std::int64_t>(6);
  if (!generation) co_return generation.error();
  if (!region) co_return region.error();
  if (!markets) co_return markets.error();
  if (!status) co_return status.error();
  if (!token) co_return token.error();
  if (!token_key) co_return token_key.error();
  out.region = *region;
  out.marketplaces = split_csv(*markets);
  out.status = *status;
  out.token_ciphertext = *token;
  out.token_key_id = *token_key;
  out.token_generation = *generation;
  co_return out;
}

asio::awaitable<Result<ConnectedSeller>> connect_seller(pg::Executor& db, const std::string& region,
                                                        const std::vector<std::string>& marketplaces,
                                                        const std::optional<std::string>& partner_id) {
  auto rows = co_await db.query(kConnectSeller, region, marketplaces, partner_id);
  if (!rows) co_return rows.error();
  if (rows->empty())
    co_return make_error(errc::seller_deleting, "the seller with this partner id is being deleted");
  auto id = (*rows)[0].get<std::int64_t>(0);
  auto replaced = (*rows)[0].get<bool>(1);
  if (!id || !replaced) co_return make_error(pg::errc::pg_decode, "connected seller row");
  co_return ConnectedSeller{*id, *replaced};
}

asio::awaitable<Status> insert_token(pg::Executor& db, std::int64_t seller_id, const pg::Bytes& ciphertext,
                                     const std::string& key_id) {
  auto stored = co_await db.query(kStoreToken, seller_id, ciphertext, key_id);
  if (!stored) co_return stored.error();
  co_return Status{};
}

asio::awaitable<Result<std::optional<std::string>>> mark_disconnected(pg::Executor& db, std::int64_t seller_id) {
  auto updated = co_await db.query(kMarkDisconnected, seller_id);
  if (!updated) co_return updated.error();
  if (updated->empty()) co_return std::optional<std::string>{};
  auto status = updated->scalar<std::string>();
  if (!status) co_return status.error();
  co_return std::optional<std::string>{std::move(*status)};
}

asio::awaitable<Result<std::int64_t>> delete_token(pg::Executor& db, std::int64_t seller_id) {
  auto gone = co_await db.query(kDeleteToken, seller_id);
  if (!gone) co_return gone.error();
  co_return static_cast<std::int64_t>(gone->affected());
}

asio::awaitable<Result<std::optional<std::string>>> lock_seller_status(pg::Executor& db, std::int64_t seller_id) {
  auto rows = co_await db.query(kLockStatus, seller_id);
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return std::optional<std::string>{};
  auto status = rows->scalar<std::string>();
  if (!status) co_return status.error();
  co_return std::optional<std::string>{std::move(*status)};
}

asio::awaitable<Result<std::int64_t>> mark_reauthorized(pg::Executor& db, std::int64_t seller_id,
                                                        Clock::time_point now) {
  auto r = co_await db.query(kReauthorized, seller_id, now);
  if (!r) co_return r.error();
  co_return static_cast<std::int64_t>(r->affected());
}

asio::awaitable<Status> mark_needs_reauth(pg::Executor& db, std::int64_t seller_id, Clock::time_point now) {
  auto r = co_await db.query(kNeedsReauth, seller_id, now);
  if (!r) co_return r.error();
  co_return Status{};
}

asio::awaitable<Result<std::vector<std::int64_t>>> delete_all_tokens(pg::Executor& db) {
  auto gone = co_await db.query(kDeleteAllTokens);
  if (!gone) co_return gone.error();
  std::vector<std::int64_t> sellers;
  for (const auto& r : *gone) {
    auto id = r.get<std::int64_t>(0);
    if (!id) co_return id.error();
    sellers.push_back(*id);
  }
  co_return sellers;
}

asio::awaitable<Result<std::int64_t>> mark_all_needs_reauth(pg::Executor& db, Clock::time_point now) {
  auto r = co_await db.query(kAllNeedReauth, now);
  if (!r) co_return r.error();
  co_return static_cast<std::int64_t>(r->affected());
}

asio::awaitable<Result<std::optional<std::string>>> mark_deleting(pg::Executor& db, std::int64_t seller_id,
                                                                  Clock::time_point now) {
  auto updated = co_await db.query(kMarkDeleting, seller_id, now);
  if (!updated) co_return updated.error();
  if (updated->empty()) co_return std::optional<std::string>{};
  auto status = updated->scalar<std::string>();
  if (!status) co_return status.error();
  co_return std::optional<std::string>{std::move(*status)};
}

asio::awaitable<Result<std::int64_t>> delete_seller(pg::Executor& db, std::int64_t seller_id) {
  auto gone = co_await db.query(kDeleteSeller, seller_id);
  if (!gone) co_return gone.error();
  co_return static_cast<std::int64_t>(gone->affected());
}

asio::awaitable<Result<std::vector<ActiveSeller>>> active_sellers(pg::Executor& db) {
  auto rows = co_await db.execute(kActiveSellers, {});
  if (!rows) co_return rows.error();
  std::vector<ActiveSeller> out;
  for (const auto& row : *rows) {
    auto id = row.get<std::int64_t>(0);
    auto last = row.get<std::optional<Clock::time_point>>(1);
    if (id && last) out.push_back({*id, *last});
  }
  co_return out;
}

asio::awaitable<Result<std::vector<SellerOverview>>> list_seller_overview(pg::Executor& db, OverviewOrder order,
                                                                       std::optional<std::int64_t> limit) {
  co_return co_await overview(db, std::nullopt, order, limit);
}

asio::awaitable<Result<std::optional<std::string>>> seller_partner_id(pg::Executor& db, std::int64_t seller_id) {
  auto rows = co_await db.query("SELECT partner_id FROM sellers WHERE id = $1", seller_id);
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return make_error(errc::seller_not_found, "no seller " + std::to_string(seller_id));
  co_return rows->scalar<std::optional<std::string>>();
}

asio::awaitable<Result<SellerOverview>> seller_overview(pg::Executor& db, std::int64_t seller_id) {
  auto all = co_await overview(db, seller_id, OverviewOrder::id, std::nullopt);
  if (!all) co_return all.error();
  if (all->empty()) co_return make_error(errc::seller_not_found, "no seller " + std::to_string(seller_id));
  co_return std::move(all->front());
}

asio::awaitable<Result<FleetSummary>> fleet_summary(pg::Executor& db, Clock::time_point now,
                                                   const std::vector<double>& bounds) {
  auto rows = co_await db.query(kFleetSummary, now, bounds_literal(bounds));
  if (!rows) co_return rows.error();
  FleetSummary out;
  for (const auto& row : *rows) {
    auto kind = row.get<std::string>(0);
    auto name = row.get<std::string>(1);
    auto within = row.get<std::int64_t>(2);  // how many bounds the lag is within
    auto count = row.get<std::int64_t>(3);
    auto oldest = row.get<double>(4);
    if (!kind || !name || !within || !count || !oldest) co_return make_error(pg::errc::pg_decode, "fleet summary row");
    if (*kind == "status") {
      out.by_status.emplace_back(std::move(*name), *count);
      continue;
    }
    auto lag = std::find_if(out.lags.begin(), out.lags.end(), [&](const auto& l) { return l.data_type == *name; });
    if (lag == out.lags.end()) {
      out.lags.push_back(FleetSummary::Lag{*name, 0, 0, std::vector<std::int64_t>(bounds.size(), 0)});
      lag = std::prev(out.lags.end());
    }
    lag->synced += *count;
    lag->oldest_seconds = std::max(lag->oldest_seconds, *oldest);
    // Within the `within` largest bounds: counted in each of them (the distribution is cumulative).
    for (std::size_t i = bounds.size() - std::min<std::size_t>(static_cast<std::size_t>(*within), bounds.size());
         i < bounds.size(); ++i)
      lag->at_most[i] += *count;
  }
  co_return out;
}

}  // namespace blazed::jobs::sellers
