// Owns the searchOrders page of an orders sync run (lastUpdatedAfter/Before = the run's window).
#include "jobs/sync/page_fetch.hpp"

namespace blazed::jobs::sync {

std::string_view operation_of(DataType type) {
  return type == DataType::orders ? "searchOrders" : "listTransactions";
}

boost::asio::awaitable<Result<FetchedPage>> fetch_orders(spapi::SpApiClient& client,
                                                         const spapi::SellerAuth& auth,
                                                         const std::vector<std::string>& marketplaces,
                                                         const FetchOptions& options,
                                                         const SyncWindow& window,
                                                         const std::optional<std::string>& token) {
  spapi::SearchOrdersParams p;
  p.last_updated_after = window.after;
  p.last_updated_before = window.before;
  p.marketplace_ids = marketplaces;
  p.max_results_per_page = options.page_size;
  p.included_data = options.included_data;
  p.pagination_token = token;
  auto r = co_await client.search_orders(auth, std::move(p));
  if (!r) co_return r.error();
  FetchedPage page = page_of(*r);
  page.orders = std::move(r->value.orders);
  co_return page;
}

}  // namespace blazed::jobs::sync
