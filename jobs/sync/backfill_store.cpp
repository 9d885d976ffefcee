// Owns the SQL on sync_backfill (see backfill_store.hpp), but for the page's advance, which
// commits in the sync store's page transaction (sync_store.cpp).
#include "jobs/sync/backfill_store.hpp"

#include "core/redact.hpp"
#include "pg/errc.hpp"
#include "pg/pool.hpp"

namespace asio = boost::asio;

namespace blazed::jobs::sync {

namespace {

constexpr const char* kColumns =
    "data_type, started_at, newest, cursor, run_after, run_before, resume_token, run_pages, run_rows, "
    "pages, rows, windows, finished_at, last_error";

constexpr const char* kStart =
    "INSERT INTO sync_backfill (seller_id, data_type, started_at, newest, cursor, updated_at) "
    "VALUES ($1, $2, $3, $4, $4, $3) ON CONFLICT (seller_id, data_type) DO NOTHING";

constexpr const char* kFinish =
    "UPDATE sync_backfill SET finished_at = $3, updated_at = $3 WHERE seller_id = $1 AND data_type = $2";

constexpr const char* kBeginWindow =
    "UPDATE sync_backfill SET run_after = $3, run_before = $4, resume_token = NULL, run_pages = 0, "
    "run_rows = 0, finished_at = NULL, updated_at = $5 WHERE seller_id = $1 AND data_type = $2";

constexpr const char* kAbandonWindow =
    "UPDATE sync_backfill SET resume_token = NULL, run_pages = 0, run_rows = 0 "
    "WHERE seller_id = $1 AND data_type = $2";

constexpr const char* kFinishWindow =
    "UPDATE sync_backfill SET cursor = run_after, windows = windows + 1, run_after = NULL, run_before = NULL, "
    "resume_token = NULL, run_pages = 0, run_rows = 0, last_error = NULL, updated_at = $3 "
    "WHERE seller_id = $1 AND data_type = $2 AND run_after IS NOT NULL";

constexpr const char* kRecordError =
    "UPDATE sync_backfill SET last_error = $3, updated_at = $4 WHERE seller_id = $1 AND data_type = $2";

Result<BackfillProgress> decode(const pg::Row& row) {
  BackfillProgress p;
  auto type = row.get<std::string>(0);
  auto started = row.get<TimePoint>(1);
  auto newest = row.get<TimePoint>(2);
  auto cursor = row.get<TimePoint>(3);
  auto after = row.get<std::optional<TimePoint>>(4);
  auto before = row.get<std::optional<TimePoint>>(5);
  auto pages = row.get<std::int64_t>(9);
  auto rows = row.get<std::int64_t>(10);
  auto windows = row.get<std::int64_t>(11);
  auto finished = row.get<std::optional<TimePoint>>(12);
  auto error = row.get<std::optional<std::string>>(13);
  if (!type || !started || !newest || !cursor || !after || !before || !pages || !rows || !windows || !finished ||
      !error)
    return make_error(pg::errc::pg_decode, "sync_backfill row");
  p.type = *type == "orders" ? DataType::orders : DataType::transactions;
  p.started_at = *started;
  p.newest = *newest;
  p.cursor = *cursor;
  if (*after && *before) p.window = SyncWindow{**after, **before};
  p.pages = *pages;
  p.rows = *rows;
  p.windows = *windows;
  p.finished_at = *finished;
  p.last_error = *error;
  return p;
}

}  // namespace

asio::awaitable<Result<std::optional<BackfillProgress>>> BackfillStore::progress(std::int64_t seller_id, DataType type) {
  auto rows = co_await db_.query(std::string("SELECT ") + kColumns +
                                     " FROM sync_backfill WHERE seller_id = $1 AND data_type = $2",
                                 seller_id, data_type_name(type));
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return std::optional<BackfillProgress>{};
  auto p = decode((*rows)[0]);
  if (!p) co_return p.error();
  co_return std::optional<BackfillProgress>{std::move(*p)};
}

asio::awaitable<Result<std::vector<BackfillProgress>>> BackfillStore::seller_progress(std::int64_t seller_id) {
  auto rows = co_await db_.query(std::string("SELECT ") + kColumns +
                                     " FROM sync_backfill WHERE seller_id = $1 ORDER BY data_type",
                                 seller_id);
  if (!rows) co_return rows.error();
  std::vector<BackfillProgress> out;
  for (const auto& row : *rows) {
    auto p = decode(row);
    if (!p) co_return p.error();
    out.push_back(std::move(*p));
  }
  co_return out;
}

asio::awaitable<Status> BackfillStore::start(std::int64_t seller_id, DataType type, TimePoint newest) {
  auto r = co_await db_.query(kStart, seller_id, data_type_name(type), clock_.now(), newest);
  if (!r) co_return r.error();
  co_return Status{};
}

asio::awaitable<Status> BackfillStore::finish(std::int64_t seller_id, DataType type) {
  auto r = co_await db_.query(kFinish, seller_id, data_type_name(type), clock_.now());
  if (!r) co_return r.error();
  co_return Status{};
}

asio::awaitable<Result<SyncState>> BackfillStore::state(std::int64_t seller_id, DataType type) {
  auto p = co_await progress(seller_id, type);
  if (!p) co_return p.error();
  SyncState out;
  if (!*p) co_return out;
  out.cursor = (*p)->cursor;
  if ((*p)->window) {
    auto rows = co_await db_.query(
        "SELECT resume_token, run_pages, run_rows FROM sync_backfill WHERE seller_id = $1 AND data_type = $2",
        seller_id, data_type_name(type));
    if (!rows) co_return rows.error();
    if (rows->empty()) co_return out;
    auto token = (*rows)[0].get<std::optional<std::string>>(0);
    auto pages = (*rows)[0].get<std::int64_t>(1);
    auto nrows = (*rows)[0].get<std::int64_t>(2);
    if (!token || !pages || !nrows) co_return make_error(pg::errc::pg_decode, "sync_backfill run");
    out.run = RunInProgress{*(*p)->window, *token, *pages, *nrows};
  }
  co_return out;
}

asio::awaitable<Status> BackfillStore::begin_run(std::int64_t seller_id, DataType type, const SyncWindow& w) {
  auto r = co_await db_.query(kBeginWindow, seller_id, data_type_name(type), w.after, w.before, clock_.now());
  if (!r) co_return r.error();
  co_return Status{};
}

asio::awaitable<Status> BackfillStore::abandon_run(std::int64_t seller_id, DataType type) {
  auto r = co_await db_.query(kAbandonWindow, seller_id, data_type_name(type));
  if (!r) co_return r.error();
  co_return Status{};
}

asio::awaitable<Result<std::int64_t>> BackfillStore::commit_page(std::int64_t seller_id, const PageToStore& page) {
  PageToStore mine = page;
  mine.backfill = true;
  co_return co_await pages_.commit_page(seller_id, mine);
}

asio::awaitable<Status> BackfillStore::finish_run(std::int64_t seller_id, DataType type, TimePoint) {
  auto r = co_await db_.query(kFinishWindow, seller_id, data_type_name(type), clock_.now());
  if (!r) co_return r.error();
  co_return Status{};
}

asio::awaitable<Status> BackfillStore::record_error(std::int64_t seller_id, DataType type, const Error& error) {
  // Redacted before it is stored, as the sync's last error is.
  auto r = co_await db_.query(kRecordError, seller_id, data_type_name(type), redact(error.code + ": " + error.message),
                              clock_.now());
  if (!r) co_return r.error();
  co_return Status{};
}

}  // namespace blazed::jobs::sync
