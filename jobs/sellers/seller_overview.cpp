// Owns the SQL of the sellers overview (see seller_overview.hpp).
#include "jobs/sellers/seller_overview.hpp"

#include "pg/executor.hpp"

namespace asio = boost::asio;

namespace blazed::jobs::sellers {

namespace {

constexpr const char* kOverview =
    "SELECT s.id, s.region, s.status, st.data_type, st.cursor, st.last_success_at, st.last_attempt_at, "
    "st.last_error, st.run_after IS NOT NULL, coalesce(st.last_pages, 0), coalesce(st.last_rows, 0) "
    "FROM sellers s LEFT JOIN sync_state st ON st.seller_id = s.id "
    "WHERE $1::bigint IS NULL OR s.id = $1 ORDER BY s.id, st.data_type";

asio::awaitable<Result<std::vector<SellerOverview>>> query(pg::Executor& db, std::optional<std::int64_t> id) {
  auto rows = co_await db.query(kOverview, id);
  if (!rows) co_return rows.error();
  std::vector<SellerOverview> out;
  for (const auto& row : *rows) {
    auto sid = row.get<std::int64_t>(0);
    auto region = row.get<std::string>(1);
    auto status = row.get<std::string>(2);
    auto type = row.get<std::optional<std::string>>(3);
    if (!sid || !region || !status || !type) co_return make_error("pg_decode", "sellers overview row");
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
      co_return make_error("pg_decode", "sellers overview row");
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

asio::awaitable<Result<std::vector<SellerOverview>>> list_seller_overview(pg::Executor& db) {
  co_return co_await query(db, std::nullopt);
}

asio::awaitable<Result<SellerOverview>> seller_overview(pg::Executor& db, std::int64_t seller_id) {
  auto all = co_await query(db, seller_id);
  if (!all) co_return all.error();
  if (all->empty()) co_return make_error("seller_not_found", "no seller " + std::to_string(seller_id));
  co_return std::move(all->front());
}

}  // namespace blazed::jobs::sellers
