// Owns the Orders API v2026-01-01 requests and responses: searchOrders
// (GET /orders/2026-01-01/orders) and getOrder (GET /orders/2026-01-01/orders/{orderId}).
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "spapi/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::spapi {

inline constexpr std::string_view search_orders_path = "/orders/2026-01-01/orders";

struct SearchOrdersParams {
  // Exactly one of created_after / last_updated_after (incremental sync: last_updated_after =
  // the stored cursor). The matching *_before, when set, must be at least 2 minutes before now.
  std::optional<Clock::time_point> created_after;
  std::optional<Clock::time_point> created_before;
  std::optional<Clock::time_point> last_updated_after;
  std::optional<Clock::time_point> last_updated_before;
  std::vector<std::string> marketplace_ids;  // up to 50
  std::optional<int> max_results_per_page;   // 1..100; unset: SpApiClient's default, else 100
  std::vector<std::string> included_data;    // BUYER, RECIPIENT, PROCEEDS, ...
  // The previous page's next_token. Every other field must keep its value between pages
  // (Amazon lets max_results_per_page and included_data change).
  std::optional<std::string> pagination_token;
};

// The latest *_before Amazon accepts: two minutes before `now`.
Clock::time_point latest_allowed_before(Clock::time_point now);

// The request target ("/orders/2026-01-01/orders?...") after validating `p` against `now`.
// Fails with `invalid_argument`.
Result<std::string> search_orders_target(const SearchOrdersParams& p, Clock::time_point now);

// "/orders/2026-01-01/orders/{orderId}?includedData=..."; fails with `invalid_argument`.
Result<std::string> get_order_target(std::string_view order_id,
                                     const std::vector<std::string>& included_data);

// Parse a 200 body. Fail with `spapi_malformed`. Buyer names, e-mails and addresses are
// skipped; a postal code is reduced to a shipping zone here and nowhere else.
Result<OrdersPage> parse_search_orders(std::string_view body);
Result<Order> parse_get_order(std::string_view body);

}  // namespace blazed::spapi
