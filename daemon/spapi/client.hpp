// Owns calls to the SP-API on behalf of one seller: the LWA access token in x-amz-access-token,
// one refresh-and-retry on 403, status-to-Error mapping, response metadata on every response,
// and the typed operations searchOrders, getOrder and listTransactions.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"
#include "http/client.hpp"
#include "spapi/lwa.hpp"
#include "spapi/model.hpp"
#include "spapi/orders.hpp"
#include "spapi/status.hpp"
#include "spapi/transactions.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <variant>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::spapi {

class SpApiMetrics;

enum class Region { na, eu, fe };
std::optional<Region> parse_region(std::string_view name);  // "na", "eu", "fe"
std::string_view region_name(Region region);

struct SpApiOptions {
  std::string endpoint_na = "https://sellingpartnerapi-na.amazon.com";
  std::string endpoint_eu = "https://sellingpartnerapi-eu.amazon.com";
  std::string endpoint_fe = "https://sellingpartnerapi-fe.amazon.com";
  // Used by search_orders/get_order when the call does not name its own includedData.
  std::vector<std::string> included_data = {"PROCEEDS", "FULFILLMENT"};
  int max_results_per_page = 100;  // used when a search_orders call does not set its own
  // Called for every SP-API response, success or not (logging, audit, rate limiter).
  std::function<void(std::string_view operation, SellerId seller, const ResponseMeta&)> on_response;
  // Counts and times every HTTP request when set; must outlive the client's requests.
  SpApiMetrics* metrics = nullptr;
};

// Whose data a call reads. The refresh token is decrypted by the caller and only borrowed.
struct SellerAuth {
  SellerId seller_id = 0;
  Region region = Region::na;
  const Secret* refresh_token = nullptr;
};

// A parsed page plus what came with it: the metadata and the raw bytes (the caller stores them
// encrypted for at most 30 days; they may hold PII the parsed value does not).
template <class T>
struct Fetched {
  T value;
  ResponseMeta meta;
  std::string raw;
};

// Errors: the LWA codes (lwa_invalid_grant, lwa_invalid_client...), the http_* codes, the
// status codes of status.hpp (spapi_unauthorized after a refresh did not help,
// spapi_throttled...), invalid_argument for parameters, spapi_malformed for bodies.
// Threading: use from the executor of the http::Client it was given.
class SpApiClient {
 public:
  SpApiClient(http::Client& http, LwaClient& lwa, const Clock& clock, SpApiOptions options);

  boost::asio::awaitable<Result<Fetched<OrdersPage>>> search_orders(const SellerAuth& auth,
                                                                    SearchOrdersParams params);
  boost::asio::awaitable<Result<Fetched<Order>>> get_order(const SellerAuth& auth,
                                                           std::string order_id,
                                                           std::vector<std::string> included_data = {});
  boost::asio::awaitable<Result<Fetched<TransactionsPage>>> list_transactions(
      const SellerAuth& auth, ListTransactionsParams params);

  // GET `target` (path and query) with the seller's token; a 2xx body, or the mapped error.
  boost::asio::awaitable<Result<Fetched<std::monostate>>> get(const SellerAuth& auth,
                                                              std::string_view operation,
                                                              std::string target);

  [[nodiscard]] const std::string& endpoint(Region region) const;

  // Drops the seller's cached access token (disconnect, account deletion).
  void forget(SellerId seller) { lwa_.forget(seller); }
  // Drops it if it will not be valid at `next_use` (LwaClient::forget_unless_valid_at).
  void forget_unless_valid_at(SellerId seller, Clock::time_point next_use) {
    lwa_.forget_unless_valid_at(seller, next_use);
  }

 private:
  http::Client& http_;
  LwaClient& lwa_;
  const Clock& clock_;
  SpApiOptions options_;
};

}  // namespace blazed::spapi
