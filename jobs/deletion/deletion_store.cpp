// Owns the account deletion's SQL (see deletion_store.hpp).
#include "jobs/deletion/deletion_store.hpp"

#include "jobs/deletion/errc.hpp"
#include "pg/errc.hpp"
#include "pg/executor.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace blazed::jobs::deletion {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kColumns =
    "id, seller_id, requested_at, requested_by, deadline, started_at, completed_at, rows_deleted::text, "
    "redis_keys_deleted";

constexpr const char* kInsert =
    "INSERT INTO deletion_requests (seller_id, requested_at, requested_by, started_at, deadline) "
    "VALUES ($1, $2, $3, $2, $4) RETURNING id";

constexpr const char* kStart =
    "UPDATE deletion_requests SET started_at = $2, deadline = $3 WHERE id = $1 AND started_at IS NULL";

constexpr const char* kAddRows =
    "UPDATE deletion_requests SET rows_deleted = jsonb_set(rows_deleted, ARRAY[$2::text], "
    "to_jsonb(coalesce((rows_deleted->>$2::text)::bigint, 0) + $3::bigint)) WHERE id = $1";

constexpr const char* kComplete =
    "UPDATE deletion_requests SET completed_at = coalesce(completed_at, $2), redis_keys_deleted = $3 WHERE id = $1";

// One bounded statement per table; raw_payloads (sql null) goes a day table at a time.
struct TableDelete {
  std::string_view table;
  const char* sql;
};
const TableDelete kDeletes[] = {
    {"order_items", "DELETE FROM order_items WHERE ctid = ANY(ARRAY("
                    "SELECT ctid FROM order_items WHERE seller_id = $1 LIMIT $2))"},
    {"orders", "DELETE FROM orders WHERE ctid = ANY(ARRAY(SELECT ctid FROM orders WHERE seller_id = $1 LIMIT $2))"},
    {"transactions", "DELETE FROM transactions WHERE ctid = ANY(ARRAY("
                     "SELECT ctid FROM transactions WHERE seller_id = $1 LIMIT $2))"},
    {kRawPayloadsTable, nullptr},
    {"sync_state", "DELETE FROM sync_state WHERE ctid = ANY(ARRAY("
                   "SELECT ctid FROM sync_state WHERE seller_id = $1 LIMIT $2))"},
};

// raw_payloads by its day tables, detached ones (a killed purge's) included, each by ctid through
// its seller_id index. Through the partitioned parent (a ctid is not unique across partitions, so
// by primary key), a batch's DELETE joined its keys against every partition: a scan of the whole
// table per batch (EXPLAIN: 1.5 s per 5,000 rows of 1 million).
constexpr const char* kRawDayTables =
    "SELECT quote_ident(relname) FROM pg_class WHERE relkind = 'r' AND relname ~ '^raw_payloads_p[0-9]{8}$' "
    "AND pg_table_is_visible(oid) ORDER BY relname";
constexpr const char* kDeleteRawBatch =
    "DELETE FROM {day} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {day} WHERE seller_id = $1 LIMIT $2))";

asio::awaitable<Result<std::int64_t>> delete_raw_payloads(pg::Executor& tx, std::int64_t seller_id,
                                                          std::int64_t batch) {
  auto days = co_await tx.query(kRawDayTables);
  if (!days) co_return days.error();
  std::int64_t deleted = 0;
  for (std::size_t i = 0; i < days->size() && deleted < batch; ++i) {
    auto day = (*days)[i].get<std::string>(0);
    if (!day) co_return day.error();
    std::string sql = kDeleteRawBatch;
    for (auto at = sql.find("{day}"); at != std::string::npos; at = sql.find("{day}")) sql.replace(at, 5, *day);
    auto rows = co_await tx.query(sql, seller_id, batch - deleted);
    if (!rows) co_return rows.error();
    deleted += static_cast<std::int64_t>(rows->affected());
  }
  co_return deleted;
}

Result<DeletionRequest> request_of(const pg::Row& row) {
  DeletionRequest r;
  auto id = row.get<std::int64_t>(0);
  auto seller = row.get<std::int64_t>(1);
  auto requested = row.get<Clock::time_point>(2);
  auto by = row.get<std::string>(3);
  auto deadline = row.get<std::optional<Clock::time_point>>(4);
  auto started = row.get<std::optional<Clock::time_point>>(5);
  auto completed = row.get<std::optional<Clock::time_point>>(6);
  auto rows = row.get<std::string>(7);
  auto keys = row.get<std::int64_t>(8);
  if (!id || !seller || !requested || !by || !deadline || !started || !completed || !rows || !keys)
    return make_error(pg::errc::pg_decode, "unreadable deletion request row");
  boost::system::error_code ec;
  auto counts = json::parse(*rows, ec);
  if (ec || !counts.is_object()) return make_error(pg::errc::pg_decode, "unreadable deletion row counts");
  r.id = *id;
  r.seller_id = *seller;
  r.requested_at = *requested;
  r.requested_by = std::move(*by);
  r.deadline = *deadline;
  r.started_at = *started;
  r.completed_at = *completed;
  r.rows_deleted = std::move(counts.as_object());
  r.redis_keys_deleted = *keys;
  return r;
}

asio::awaitable<Result<std::vector<DeletionRequest>>> select_requests(pg::Executor& db, const std::string& where,
                                                                     std::vector<pg::Param> params = {}) {
  auto rows = co_await db.execute(std::string("SELECT ") + kColumns + " FROM deletion_requests " + where,
                                  std::move(params));
  if (!rows) co_return rows.error();
  std::vector<DeletionRequest> out;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    auto r = request_of((*rows)[i]);
    if (!r) co_return r.error();
    out.push_back(std::move(*r));
  }
  co_return out;
}

}  // namespace

asio::awaitable<Result<std::int64_t>> insert_request(pg::Executor& db, std::int64_t seller_id,
                                                     const std::string& requested_by, Clock::time_point now,
                                                     Clock::time_point deadline) {
  auto rows = co_await db.query(kInsert, seller_id, now, requested_by, deadline);
  if (!rows) {
    if (rows.error().code == pg::errc::pg_unique_violation)
      co_return make_error(errc::deletion_already_requested,
                           "seller " + std::to_string(seller_id) + " already has a deletion in progress");
    co_return rows.error();
  }
  co_return rows->scalar<std::int64_t>();
}

asio::awaitable<Result<std::vector<DeletionRequest>>> unstarted_requests(pg::Executor& db) {
  co_return co_await select_requests(db, "WHERE started_at IS NULL ORDER BY requested_at LIMIT 100");
}

asio::awaitable<Status> start_request(pg::Executor& db, std::int64_t id, Clock::time_point now,
                                      Clock::time_point deadline) {
  auto rows = co_await db.query(kStart, id, now, deadline);
  if (!rows) co_return rows.error();
  co_return Status{};
}

asio::awaitable<Result<std::vector<DeletionRequest>>> open_requests(pg::Executor& db) {
  co_return co_await select_requests(db, "WHERE started_at IS NOT NULL AND completed_at IS NULL ORDER BY id");
}

asio::awaitable<Result<std::optional<DeletionRequest>>> request_by_id(pg::Executor& db, std::int64_t id) {
  // Named, not braced in the co_await: g++ 12 mishandles such temporaries across a suspension.
  std::vector<pg::Param> params{pg::Param(id)};
  auto found = co_await select_requests(db, "WHERE id = $1", std::move(params));
  if (!found) co_return found.error();
  if (found->empty()) co_return std::optional<DeletionRequest>{};
  co_return std::optional<DeletionRequest>{std::move(found->front())};
}

asio::awaitable<Result<std::vector<DeletionRequest>>> list_requests(pg::Executor& db, int recent) {
  std::vector<pg::Param> params{pg::Param(recent)};
  co_return co_await select_requests(
      db,
      "WHERE completed_at IS NULL OR id IN (SELECT id FROM deletion_requests WHERE completed_at IS NOT NULL "
      "ORDER BY completed_at DESC LIMIT $1) ORDER BY id DESC",
      std::move(params));
}

const std::vector<std::string_view>& seller_tables() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& d : kDeletes) out.push_back(d.table);
    return out;
  }();
  return names;
}

asio::awaitable<Result<std::int64_t>> delete_seller_rows(pg::Executor& tx, std::int64_t request_id,
                                                         std::string_view table, std::int64_t seller_id,
                                                         std::int64_t batch) {
  const auto* d = std::find_if(std::begin(kDeletes), std::end(kDeletes), [&](const auto& t) { return t.table == table; });
  if (d == std::end(kDeletes)) co_return make_error(pg::errc::pg_decode, "no such seller table");
  std::int64_t n = 0;
  if (d->sql == nullptr) {
    auto deleted = co_await delete_raw_payloads(tx, seller_id, batch);
    if (!deleted) co_return deleted.error().context("deleting from " + std::string(table));
    n = *deleted;
  } else {
    auto rows = co_await tx.query(d->sql, seller_id, batch);
    if (!rows) co_return rows.error().context("deleting from " + std::string(table));
    n = rows->affected();
  }
  if (n > 0) {
    if (auto st = co_await add_rows(tx, request_id, table, n); !st) co_return st.error();
  }
  co_return n;
}

asio::awaitable<Status> add_rows(pg::Executor& db, std::int64_t request_id, std::string_view table, std::int64_t rows) {
  auto r = co_await db.query(kAddRows, request_id, std::string(table), rows);
  if (!r) co_return r.error();
  co_return Status{};
}

asio::awaitable<Result<DeletionRequest>> complete_request(pg::Executor& tx, std::int64_t request_id,
                                                          Clock::time_point now, std::int64_t redis_keys) {
  auto done = co_await tx.query(kComplete, request_id, now, redis_keys);
  if (!done) co_return done.error();
  auto found = co_await request_by_id(tx, request_id);
  if (!found) co_return found.error();
  if (!*found) co_return make_error(pg::errc::pg_decode, "deletion request vanished");
  co_return std::move(**found);
}

}  // namespace blazed::jobs::deletion
