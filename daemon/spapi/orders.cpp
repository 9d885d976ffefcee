// Owns searchOrders/getOrder request targets and their response parsers.
#include "spapi/orders.hpp"

#include "spapi/errc.hpp"
#include "spapi/iso_time.hpp"
#include "spapi/json_exact.hpp"
#include "spapi/json_read.hpp"
#include "spapi/postal_zone.hpp"
#include "spapi/query.hpp"

#include <algorithm>
#include <array>

namespace blazed::spapi {

namespace json = boost::json;
using Need = JsonReader::Need;

namespace {

constexpr std::array<std::string_view, 11> known_included_data = {
    "BUYER",   "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION",         "CANCELLATION",
    "FULFILLMENT", "PACKAGES", "TAX",  "PAYMENT", "FULFILLMENT_ORDERS"};

Error invalid(std::string message) { return make_error(errc::invalid_argument, std::move(message)); }

Status check_included_data(const std::vector<std::string>& included) {
  for (const auto& d : included) {
    if (std::find(known_included_data.begin(), known_included_data.end(), d) ==
        known_included_data.end()) {
      return invalid("unknown includedData value " + d);
    }
  }
  return {};
}

Order read_order(JsonReader& r, const json::object& o) {
  Order out;
  out.order_id = r.string(o, "orderId", Need::required);
  out.created_time = r.time(o, "createdTime", Need::required).value_or(Clock::time_point{});
  out.last_updated_time = r.time(o, "lastUpdatedTime", Need::required).value_or(Clock::time_point{});
  if (const json::object* sc = r.object(o, "salesChannel", Need::required)) {
    out.sales_channel = r.string(*sc, "channelName", Need::optional);
    out.marketplace_id = r.string(*sc, "marketplaceId", Need::optional);
  }
  if (const json::object* f = r.object(o, "fulfillment", Need::optional)) {
    out.status = r.string(*f, "fulfillmentStatus", Need::optional);
    out.fulfilled_by = r.string(*f, "fulfilledBy", Need::optional);
  }
  if (const json::object* p = r.object(o, "proceeds", Need::optional)) {
    out.grand_total = r.money(*p, "grandTotal");
  }
  // Only the zone is taken from the address; name, street, city and phone are never read.
  if (const json::object* rec = r.object(o, "recipient", Need::optional)) {
    if (const json::object* addr = r.object(*rec, "deliveryAddress", Need::optional)) {
      out.shipping_zone = shipping_zone(r.string(*addr, "countryCode", Need::optional),
                                        r.string(*addr, "postalCode", Need::optional));
    }
  }
  // orderItems is required by the model; Amazon's own getOrder examples sometimes omit it.
  r.each_object(o, "orderItems", Need::optional, [&](const json::object& it) {
    OrderItem item;
    item.order_item_id = r.string(it, "orderItemId", Need::required);
    item.quantity_ordered = r.integer(it, "quantityOrdered", Need::required);
    if (const json::object* prod = r.object(it, "product", Need::optional)) {
      item.asin = r.string(*prod, "asin", Need::optional);
      item.seller_sku = r.string(*prod, "sellerSku", Need::optional);
      if (const json::object* price = r.object(*prod, "price", Need::optional)) {
        item.unit_price = r.money(*price, "unitPrice");
      }
    }
    if (const json::object* proc = r.object(it, "proceeds", Need::optional)) {
      item.proceeds_total = r.money(*proc, "proceedsTotal");
    }
    out.items.push_back(std::move(item));
  });
  return out;
}

}  // namespace

Clock::time_point latest_allowed_before(Clock::time_point now) { return now - std::chrono::minutes(2); }

Result<std::string> search_orders_target(const SearchOrdersParams& p, Clock::time_point now) {
  if (p.created_after.has_value() == p.last_updated_after.has_value()) {
    return invalid("searchOrders needs exactly one of createdAfter and lastUpdatedAfter");
  }
  if (p.created_after && p.last_updated_before) {
    return invalid("lastUpdatedBefore cannot be combined with createdAfter");
  }
  if (p.last_updated_after && p.created_before) {
    return invalid("createdBefore cannot be combined with lastUpdatedAfter");
  }
  const auto limit = latest_allowed_before(now);
  for (const auto& before : {p.created_before, p.last_updated_before}) {
    if (before && *before > limit) return invalid("*Before must be at least 2 minutes before now");
  }
  if (p.created_after && p.created_before && *p.created_before < *p.created_after) {
    return invalid("createdBefore is before createdAfter");
  }
  if (p.last_updated_after && p.last_updated_before && *p.last_updated_before < *p.last_updated_after) {
    return invalid("lastUpdatedBefore is before lastUpdatedAfter");
  }
  if (p.marketplace_ids.size() > 50) return invalid("at most 50 marketplaceIds");
  const int per_page = p.max_results_per_page.value_or(100);
  if (per_page < 1 || per_page > 100) {
    return invalid("maxResultsPerPage must be 1..100");
  }
  if (auto st = check_included_data(p.included_data); !st) return st.error();
  if (p.pagination_token && p.pagination_token->empty()) return invalid("empty paginationToken");

  Query q;
  if (p.created_after) q.add("createdAfter", format_iso8601(*p.created_after));
  if (p.created_before) q.add("createdBefore", format_iso8601(*p.created_before));
  if (p.last_updated_after) q.add("lastUpdatedAfter", format_iso8601(*p.last_updated_after));
  if (p.last_updated_before) q.add("lastUpdatedBefore", format_iso8601(*p.last_updated_before));
  if (!p.marketplace_ids.empty()) q.add_list("marketplaceIds", p.marketplace_ids);
  q.add("maxResultsPerPage", std::to_string(per_page));
  if (!p.included_data.empty()) q.add_list("includedData", p.included_data);
  if (p.pagination_token) q.add("paginationToken", *p.pagination_token);
  return Result<std::string>(boost::system::in_place_value,
                             std::string(search_orders_path) + "?" + q.str());
}

Result<std::string> get_order_target(std::string_view order_id,
                                     const std::vector<std::string>& included_data) {
  if (order_id.empty()) return invalid("empty order id");
  if (auto st = check_included_data(included_data); !st) return st.error();
  std::string target = std::string(search_orders_path) + "/" + percent_encode(order_id);
  if (!included_data.empty()) target += "?" + Query().add_list("includedData", included_data).str();
  return Result<std::string>(boost::system::in_place_value, std::move(target));
}

Result<OrdersPage> parse_search_orders(std::string_view body) {
  auto doc = parse_json_object_exact(body, "searchOrders");
  if (!doc) return doc.error();
  const json::object& root = *doc;
  JsonReader r;
  OrdersPage page;
  r.each_object(root, "orders", Need::required,
                 [&](const json::object& o) { page.orders.push_back(read_order(r, o)); });
  if (const json::object* pag = r.object(root, "pagination", Need::optional)) {
    if (std::string t = r.string(*pag, "nextToken", Need::optional); !t.empty()) {
      page.next_token = std::move(t);
    }
  }
  page.last_updated_before = r.time(root, "lastUpdatedBefore", Need::optional);
  page.created_before = r.time(root, "createdBefore", Need::optional);
  if (!r.ok()) return r.error().context("searchOrders");
  return page;
}

Result<Order> parse_get_order(std::string_view body) {
  auto doc = parse_json_object_exact(body, "getOrder");
  if (!doc) return doc.error();
  JsonReader r;
  const json::object* o = r.object(*doc, "order", Need::required);
  if (o == nullptr) return r.error().context("getOrder");
  Order order = read_order(r, *o);
  if (!r.ok()) return r.error().context("getOrder");
  return order;
}

}  // namespace blazed::spapi
