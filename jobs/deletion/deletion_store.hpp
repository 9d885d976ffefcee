// Owns every SQL statement of the account deletion: deletion_requests (migration 0061), and the
// batched deletes of one seller's rows in the sync's tables (orders, order_items, transactions,
// sync_state) and raw_payloads. Statements on sellers and seller_tokens are in jobs/sellers.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::pg {
class Executor;
}

namespace blazed::jobs::deletion {

struct DeletionRequest {
  std::int64_t id = 0;
  std::int64_t seller_id = 0;
  Clock::time_point requested_at;
  std::string requested_by;
  std::optional<Clock::time_point> deadline;
  std::optional<Clock::time_point> started_at;
  std::optional<Clock::time_point> completed_at;
  boost::json::object rows_deleted;  // table -> rows
  std::int64_t redis_keys_deleted = 0;
};

// A new request, already picked up (started, with its deadline); fails with
// deletion_already_requested when the seller has an open one.
boost::asio::awaitable<Result<std::int64_t>> insert_request(pg::Executor& db, std::int64_t seller_id,
                                                            const std::string& requested_by, Clock::time_point now,
                                                            Clock::time_point deadline);
// The web app's rows not picked up yet, oldest first.
boost::asio::awaitable<Result<std::vector<DeletionRequest>>> unstarted_requests(pg::Executor& db);
boost::asio::awaitable<Status> start_request(pg::Executor& db, std::int64_t id, Clock::time_point now,
                                             Clock::time_point deadline);
// Started and not completed (what the job queue must be working on).
boost::asio::awaitable<Result<std::vector<DeletionRequest>>> open_requests(pg::Executor& db);
// nullopt when there is no such request.
boost::asio::awaitable<Result<std::optional<DeletionRequest>>> request_by_id(pg::Executor& db, std::int64_t id);
// Open requests and the `recent` last completed ones, newest first.
boost::asio::awaitable<Result<std::vector<DeletionRequest>>> list_requests(pg::Executor& db, int recent);

inline constexpr std::string_view kRawPayloadsTable = "raw_payloads";

// The tables a seller's rows are deleted from, in that order.
const std::vector<std::string_view>& seller_tables();
// Deletes at most `batch` of the seller's rows of `table` (one of seller_tables()) and adds them to
// the request's count; returns the rows deleted. Run it in a transaction.
boost::asio::awaitable<Result<std::int64_t>> delete_seller_rows(pg::Executor& tx, std::int64_t request_id,
                                                                std::string_view table, std::int64_t seller_id,
                                                                std::int64_t batch);
// Adds rows deleted elsewhere (the token, the seller row) to the request's count.
boost::asio::awaitable<Status> add_rows(pg::Executor& db, std::int64_t request_id, std::string_view table,
                                        std::int64_t rows);
// The request completed; returns it as recorded.
boost::asio::awaitable<Result<DeletionRequest>> complete_request(pg::Executor& tx, std::int64_t request_id,
                                                                 Clock::time_point now, std::int64_t redis_keys);

}  // namespace blazed::jobs::deletion
