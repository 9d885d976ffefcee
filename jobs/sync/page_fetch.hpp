// Owns the SP-API side of a sync run: one page of a data type for a window and pagination token
// (searchOrders in orders_fetch.cpp, listTransactions in transactions_fetch.cpp).
#pragma once

#include "core/error.hpp"
#include "jobs/sync/sync_store.hpp"
#include "jobs/sync/sync_window.hpp"
#include "spapi/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::jobs::sync {

struct FetchedPage {
  std::vector<spapi::Order> orders;
  std::vector<spapi::Transaction> transactions;
  std::optional<std::string> next_token;
  spapi::ResponseMeta meta;
  std::string raw;
};

// The page-independent part of a response (token, meta, raw body); the caller moves in the items.
template <class Response>
FetchedPage page_of(Response& r) {
  FetchedPage page;
  page.next_token = std::move(r.value.next_token);
  page.meta = std::move(r.meta);
  page.raw = std::move(r.raw);
  return page;
}

struct FetchOptions {
  std::vector<std::string> included_data;  // searchOrders datasets (no BUYER/RECIPIENT by default)
  int page_size = 100;                     // searchOrders maxResultsPerPage
};

// The SP-API operation (rate-limiter bucket) a data type calls.
std::string_view operation_of(DataType type);

// One page of orders updated in `window` (the same parameters on every page, as Amazon wants).
boost::asio::awaitable<Result<FetchedPage>> fetch_orders(spapi::SpApiClient& client,
                                                         const spapi::SellerAuth& auth,
                                                         const std::vector<std::string>& marketplaces,
                                                         const FetchOptions& options,
                                                         const SyncWindow& window,
                                                         const std::optional<std::string>& token);

// One page of transactions posted in `window` (at most 180 days).
boost::asio::awaitable<Result<FetchedPage>> fetch_transactions(spapi::SpApiClient& client,
                                                               const spapi::SellerAuth& auth,
                                                               const SyncWindow& window,
                                                               const std::optional<std::string>& token);

}  // namespace blazed::jobs::sync
