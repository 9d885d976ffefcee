// Owns the history backfill's state (table sync_backfill): its progress per seller and data type,
// and the backfill as a SyncStatePort, so the sync's page loop walks its windows: the window in
// progress is the "run", a page commits through the sync's store with the backfill's state, and a
// finished window moves the cursor back to the window's start.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "jobs/sync/sync_store.hpp"
#include "jobs/sync/sync_window.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blazed::pg {
class PgPool;
}

namespace blazed::jobs::sync {

// One data type's backfill of one seller.
struct BackfillProgress {
  DataType type = DataType::orders;
  TimePoint started_at;
  TimePoint newest;                  // where it began: the incremental sync covers what follows
  TimePoint cursor;                  // everything from here to `newest` is stored
  std::optional<SyncWindow> window;  // the window in progress
  std::int64_t pages = 0;
  std::int64_t rows = 0;
  std::int64_t windows = 0;          // windows completed
  std::optional<TimePoint> finished_at;
  std::optional<std::string> last_error;
};

class BackfillStore final : public SyncStatePort {
 public:
  // `pages`: the sync's store, which commits a page's rows and raw payload.
  BackfillStore(pg::PgPool& db, const Clock& clock, SyncStatePort& pages) : db_(db), clock_(clock), pages_(pages) {}

  // The backfill of (seller, type), nullopt when it never started.
  boost::asio::awaitable<Result<std::optional<BackfillProgress>>> progress(std::int64_t seller_id, DataType type);
  // Every backfill of a seller (orders first).
  boost::asio::awaitable<Result<std::vector<BackfillProgress>>> seller_progress(std::int64_t seller_id);
  // Starts a backfill now, its cursor at `newest`; an existing one is left as it is.
  boost::asio::awaitable<Status> start(std::int64_t seller_id, DataType type, TimePoint newest);
  // Reached its oldest point.
  boost::asio::awaitable<Status> finish(std::int64_t seller_id, DataType type);

  // SyncStatePort: the window in progress as the run, the backfill's cursor as the cursor.
  boost::asio::awaitable<Result<SyncState>> state(std::int64_t seller_id, DataType type) override;
  // Stores `w` as the window in progress, its first page next (and clears finished_at: a deeper
  // configured history reopens a finished backfill).
  boost::asio::awaitable<Status> begin_run(std::int64_t seller_id, DataType type, const SyncWindow& w) override;
  // A refused pagination token: the window starts over from its first page.
  boost::asio::awaitable<Status> abandon_run(std::int64_t seller_id, DataType type) override;
  boost::asio::awaitable<Result<std::int64_t>> commit_page(std::int64_t seller_id, const PageToStore& page) override;
  // The window's last page is in: the cursor moves back to the window's start.
  boost::asio::awaitable<Status> finish_run(std::int64_t seller_id, DataType type, TimePoint window_end) override;
  // A backfill's rate-limit waits are not counted: its audit rows carry pages and rows.
  boost::asio::awaitable<Status> note_deferral(std::int64_t, DataType) override { co_return Status{}; }
  boost::asio::awaitable<Status> record_error(std::int64_t seller_id, DataType type, const Error& error) override;

 private:
  pg::PgPool& db_;
  const Clock& clock_;
  SyncStatePort& pages_;
};

}  // namespace blazed::jobs::sync
