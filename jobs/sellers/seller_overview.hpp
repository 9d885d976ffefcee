// Owns the operator's view of sellers and their syncs (`blazectl sellers list`): status, last
// sync, cursor, last error per data type, read from sellers and sync_state.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blazed::pg {
class Executor;
}

namespace blazed::jobs::sellers {

struct DataTypeStatus {
  std::string data_type;  // orders, transactions
  std::optional<Clock::time_point> cursor;
  std::optional<Clock::time_point> last_success_at;
  std::optional<Clock::time_point> last_attempt_at;
  std::optional<std::string> last_error;  // code and message, never PII
  bool in_progress = false;               // a run stopped mid-pagination (resumes next time)
  std::int64_t last_pages = 0;
  std::int64_t last_rows = 0;
};

struct SellerOverview {
  std::int64_t id = 0;
  std::string region;
  std::string status;  // active, disconnected, deleting, needs_reauth
  std::vector<DataTypeStatus> types;  // the data types synced at least once
};

// Every seller by id.
boost::asio::awaitable<Result<std::vector<SellerOverview>>> list_seller_overview(pg::Executor& db);
// One seller; "seller_not_found" when absent.
boost::asio::awaitable<Result<SellerOverview>> seller_overview(pg::Executor& db, std::int64_t seller_id);

}  // namespace blazed::jobs::sellers
