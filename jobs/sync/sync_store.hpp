// Owns the sync's SQL: the per-seller sync_state (cursor and the run in progress), and the
// one-transaction commit of a page (rows + encrypted raw payload + resume token). The seller and
// its token are read through jobs/sellers/sellers_store.hpp.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "jobs/sellers/sellers_store.hpp"
#include "jobs/sync/sync_window.hpp"
#include "pg/audit.hpp"
#include "pg/param.hpp"
#include "spapi/model.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::pg {
class PgPool;
}
namespace blazed::crypto {
class Keyring;
class NonceSource;
}  // namespace blazed::crypto

namespace blazed::jobs::sync {

enum class DataType { orders, transactions };
std::string_view data_type_name(DataType type);

using sellers::SellerRow;

// A run in progress: its window and the next page's token (nullopt: the first page is next).
struct RunInProgress {
  SyncWindow window;
  std::optional<std::string> resume_token;
  std::int64_t pages = 0;
  std::int64_t rows = 0;
  // Times the run was deferred by the rate limit: its last page's audit event counts them,
  // instead of one event per deferral.
  std::int64_t deferrals = 0;
};

struct SyncState {
  std::optional<TimePoint> cursor;
  std::optional<RunInProgress> run;
};

// A parsed page ready to store. `raw` is the response body, stored only encrypted.
struct PageToStore {
  DataType type = DataType::orders;
  const std::vector<spapi::Order>* orders = nullptr;
  const std::vector<spapi::Transaction>* transactions = nullptr;
  std::string_view raw;
  std::string request_id;
  std::optional<std::string> next_token;
  // The audit events of the SP-API access that brought the page (sync_audit.hpp): committed in
  // the page's transaction, so no stored page lacks them.
  std::vector<pg::AuditEvent> audit;
  bool backfill = false;  // the page of a history backfill: its window in sync_backfill advances
};

// What a sync run reads and writes of its own state (the real one is SyncStore; unit tests use
// an in-memory fake, tests/jobs/fakes/).
class SyncStatePort {
 public:
  virtual ~SyncStatePort() = default;
  // Takes the seller's state of this type over for this run, then reads it. Every write below
  // fails with "sync_fenced" once another run has taken it over (that run stops), and the cursor
  // never moves back.
  virtual boost::asio::awaitable<Result<SyncState>> state(std::int64_t seller_id, DataType type) = 0;
  // Records the attempt and the window of a new run (its first page is next).
  virtual boost::asio::awaitable<Status> begin_run(std::int64_t seller_id, DataType type, const SyncWindow& w) = 0;
  // Drops the run in progress (its pagination token is no longer accepted); the cursor stays.
  virtual boost::asio::awaitable<Status> abandon_run(std::int64_t seller_id, DataType type) = 0;
  // In one transaction: the page's rows upserted, its raw payload sealed and inserted, its audit
  // events recorded, and the run's resume token, pages and rows advanced. Returns the rows written.
  virtual boost::asio::awaitable<Result<std::int64_t>> commit_page(std::int64_t seller_id,
                                                                   const PageToStore& page) = 0;
  // The run's last page is in: the cursor moves to the window's end and the run is cleared.
  virtual boost::asio::awaitable<Status> finish_run(std::int64_t seller_id, DataType type, TimePoint window_end) = 0;
  // The run in progress was deferred by the rate limit once more (counted, not audited per deferral).
  virtual boost::asio::awaitable<Status> note_deferral(std::int64_t seller_id, DataType type) = 0;
  // The last error of this data type (code and message, never PII).
  virtual boost::asio::awaitable<Status> record_error(std::int64_t seller_id, DataType type, const Error& error) = 0;
};

class SyncStore final : public SyncStatePort {
 public:
  // `run_id`: the run's fencing token (the queue job's run id), unique to the run.
  SyncStore(pg::PgPool& db, const Clock& clock, const crypto::Keyring& keyring,
            crypto::NonceSource& nonces, std::string run_id)
      : db_(db), clock_(clock), keyring_(keyring), nonces_(nonces), run_id_(std::move(run_id)) {}

  boost::asio::awaitable<Result<SyncState>> state(std::int64_t seller_id, DataType type) override;
  boost::asio::awaitable<Status> begin_run(std::int64_t seller_id, DataType type, const SyncWindow& w) override;
  boost::asio::awaitable<Status> abandon_run(std::int64_t seller_id, DataType type) override;
  boost::asio::awaitable<Result<std::int64_t>> commit_page(std::int64_t seller_id, const PageToStore& page) override;
  boost::asio::awaitable<Status> finish_run(std::int64_t seller_id, DataType type, TimePoint window_end) override;
  boost::asio::awaitable<Status> note_deferral(std::int64_t seller_id, DataType type) override;
  boost::asio::awaitable<Status> record_error(std::int64_t seller_id, DataType type, const Error& error) override;

 private:
  // "sync_fenced" unless the guarded statement changed its one row.
  [[nodiscard]] Status fenced(std::int64_t affected, std::string_view what) const;

  pg::PgPool& db_;
  const Clock& clock_;
  const crypto::Keyring& keyring_;
  crypto::NonceSource& nonces_;
  std::string run_id_;
  // The last day whose raw_payloads partition this store made sure of (the purge duty makes them
  // a week ahead; this covers a clock outside that week).
  std::optional<std::int64_t> partition_day_;
};

// The id a transaction is stored under: Amazon's transactionId, or when absent "sha256:" and the
// hex digest of its content (stable: the same transaction always gets the same id).
std::string transaction_key(const spapi::Transaction& t);

}  // namespace blazed::jobs::sync
