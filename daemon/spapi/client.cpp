// Owns the authenticated SP-API request path (token, 403 refresh-and-retry, error mapping) and
// the three typed operations on top of it.
#include "spapi/client.hpp"

#include "core/log.hpp"
#include "spapi/errc.hpp"
#include "spapi/spapi_metrics.hpp"

namespace blazed::spapi {

namespace asio = boost::asio;

namespace {
const log::Logger logger("spapi");

template <class T, class Parse>
Result<Fetched<T>> parsed(Result<Fetched<std::monostate>> raw, Parse parse) {
  if (!raw) return raw.error();
  auto value = parse(raw->raw);
  if (!value) return value.error().context("request id " + raw->meta.request_id);
  return Fetched<T>{std::move(*value), std::move(raw->meta), std::move(raw->raw)};
}
}  // namespace

std::optional<Region> parse_region(std::string_view name) {
  if (name == "na") return Region::na;
  if (name == "eu") return Region::eu;
  if (name == "fe") return Region::fe;
  return std::nullopt;
}

std::string_view region_name(Region region) {
  switch (region) {
    case Region::na:
      return "na";
    case Region::eu:
      return "eu";
    case Region::fe:
      return "fe";
  }
  return "na";
}

SpApiClient::SpApiClient(http::Client& http, LwaClient& lwa, const Clock& clock, SpApiOptions options)
    : http_(http), lwa_(lwa), clock_(clock), options_(std::move(options)) {}

const std::string& SpApiClient::endpoint(Region region) const {
  switch (region) {
    case Region::eu:
      return options_.endpoint_eu;
    case Region::fe:
      return options_.endpoint_fe;
    case Region::na:
      break;
  }
  return options_.endpoint_na;
}

asio::awaitable<Result<Fetched<std::monostate>>> SpApiClient::get(const SellerAuth& auth,
                                                                  std::string_view operation,
                                                                  std::string target) {
  if (auth.refresh_token == nullptr) co_return make_error(errc::invalid_argument, "no refresh token");
  std::string base = endpoint(auth.region);
  while (!base.empty() && base.back() == '/') base.pop_back();

  // An expired or revoked access token is answered with 403: refresh once and retry.
  bool exchanged = false;
  for (int attempt = 0;; ++attempt) {
    auto token = co_await lwa_.access_token(auth.seller_id, *auth.refresh_token, &exchanged);
    if (!token) co_return token.error();

    http::Request req;
    req.url = base + target;
    req.headers.emplace_back("accept", "application/json");
    req.secret_headers.emplace_back("x-amz-access-token", *token);
    const Clock::time_point sent = clock_.now();
    auto res = co_await http_.request(std::move(req));
    if (options_.metrics != nullptr)
      options_.metrics->request(operation, res ? res->status : 0, clock_.now() - sent);
    if (!res) co_return res.error().context(operation);

    ResponseMeta meta = response_meta(*res);
    meta.token_exchanged = exchanged;
    logger.debug("sp-api response", {{"operation", operation},
                                     {"seller_id", auth.seller_id},
                                     {"status", meta.status},
                                     {"request_id", meta.request_id}});
    if (options_.on_response) options_.on_response(operation, auth.seller_id, meta);
    if (meta.status >= 200 && meta.status < 300) {
      co_return Fetched<std::monostate>{{}, std::move(meta), std::move(res->body)};
    }
    if (meta.status == 403 && attempt == 0) {
      lwa_.invalidate(auth.seller_id, *token);
      continue;
    }
    co_return error_from_response(meta, res->body).context(operation);
  }
}

asio::awaitable<Result<Fetched<OrdersPage>>> SpApiClient::search_orders(const SellerAuth& auth,
                                                                        SearchOrdersParams params) {
  if (params.included_data.empty()) params.included_data = options_.included_data;
  if (!params.max_results_per_page) params.max_results_per_page = options_.max_results_per_page;
  auto target = search_orders_target(params, clock_.now());
  if (!target) co_return target.error();
  co_return parsed<OrdersPage>(co_await get(auth, "searchOrders", std::move(*target)),
                               parse_search_orders);
}

asio::awaitable<Result<Fetched<Order>>> SpApiClient::get_order(const SellerAuth& auth,
                                                               std::string order_id,
                                                               std::vector<std::string> included_data) {
  if (included_data.empty()) included_data = options_.included_data;
  auto target = get_order_target(order_id, included_data);
  if (!target) co_return target.error();
  co_return parsed<Order>(co_await get(auth, "getOrder", std::move(*target)), parse_get_order);
}

asio::awaitable<Result<Fetched<TransactionsPage>>> SpApiClient::list_transactions(
    const SellerAuth& auth, ListTransactionsParams params) {
  auto target = list_transactions_target(params, clock_.now());
  if (!target) co_return target.error();
  co_return parsed<TransactionsPage>(co_await get(auth, "listTransactions", std::move(*target)),
                                     parse_list_transactions);
}

}  // namespace blazed::spapi
