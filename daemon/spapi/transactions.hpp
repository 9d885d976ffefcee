// Owns the Finances API v2024-06-19 listTransactions request (GET /finances/2024-06-19/transactions)
// and its response parser, keeping each currencyAmount's exact number text.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "spapi/model.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace blazed::spapi {

inline constexpr std::string_view list_transactions_path = "/finances/2024-06-19/transactions";
inline constexpr std::chrono::hours max_transactions_window{180 * 24};

struct ListTransactionsParams {
  Clock::time_point posted_after;                  // required
  std::optional<Clock::time_point> posted_before;  // >= 2 min before now; Amazon's default is that
  std::optional<std::string> marketplace_id;
  std::optional<std::string> transaction_status;   // DEFERRED, RELEASED, DEFERRED_RELEASED
  // The previous page's next_token; every other field must keep its value between pages.
  std::optional<std::string> next_token;
};

// Validates `p` against `now` (window postedAfter..postedBefore, or ..now-2min when postedBefore
// is unset, at most 180 days) and builds the request target. Fails with `invalid_argument`.
Result<std::string> list_transactions_target(const ListTransactionsParams& p, Clock::time_point now);

// Parses a 200 body ({"payload": {"nextToken"?, "transactions": [...]}}); `spapi_malformed` on
// anything else. A page may be empty while next_token is set: keep paging until it is absent.
Result<TransactionsPage> parse_list_transactions(std::string_view body);

}  // namespace blazed::spapi
