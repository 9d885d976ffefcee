// Owns the plain structs SP-API responses are parsed into. They hold no buyer PII: no names,
// e-mail addresses or street addresses, and a postal code only as a coarse shipping zone.
#pragma once

#include "core/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace blazed::spapi {

// An amount of money. `amount` is the decimal text exactly as Amazon sent it (orders send a
// string, finances a JSON number; both end up here unchanged), ready for a NUMERIC column.
struct Money {
  std::string amount;
  std::string currency;
  friend bool operator==(const Money&, const Money&) = default;
};

// A shipping zone derived from the delivery address (see postal_zone.hpp for the rule).
struct ShippingZone {
  std::string country;  // ISO 3166-1 alpha-2, e.g. "US"
  std::string zone;     // e.g. "981" for US ZIP 98101; never the full postal code
  friend bool operator==(const ShippingZone&, const ShippingZone&) = default;
};

struct OrderItem {
  std::string order_item_id;
  std::string asin;
  std::string seller_sku;
  std::int64_t quantity_ordered = 0;
  std::optional<Money> unit_price;       // product.price.unitPrice
  std::optional<Money> proceeds_total;   // proceeds.proceedsTotal (PROCEEDS)
};

struct Order {
  std::string order_id;
  std::string marketplace_id;        // salesChannel.marketplaceId
  std::string sales_channel;         // salesChannel.channelName (AMAZON, NON_AMAZON)
  std::string status;                // fulfillment.fulfillmentStatus; empty without FULFILLMENT
  std::string fulfilled_by;          // fulfillment.fulfilledBy (AMAZON = FBA, MERCHANT = FBM)
  Clock::time_point created_time;
  Clock::time_point last_updated_time;
  std::optional<Money> grand_total;  // proceeds.grandTotal (PROCEEDS)
  std::vector<OrderItem> items;
  std::optional<ShippingZone> shipping_zone;  // only with RECIPIENT
};

struct OrdersPage {
  std::vector<Order> orders;
  std::optional<std::string> next_token;          // pagination.nextToken
  std::optional<Clock::time_point> last_updated_before;
  std::optional<Clock::time_point> created_before;
};

struct Transaction {
  std::string transaction_id;      // may be absent in Amazon's own examples: empty then
  std::string transaction_type;    // e.g. Shipment
  std::string transaction_status;  // DEFERRED, RELEASED, DEFERRED_RELEASED
  std::string description;         // e.g. "Order Payment"
  std::optional<Clock::time_point> posted_date;
  std::optional<Money> total_amount;
  std::string marketplace_id;      // sellingPartnerMetadata.marketplaceId
  std::string account_type;        // sellingPartnerMetadata.accountType
  // relatedIdentifiers: (name, value), e.g. ("ORDER_ID", "...").
  std::vector<std::pair<std::string, std::string>> related_identifiers;
};

struct TransactionsPage {
  std::vector<Transaction> transactions;  // may be empty while next_token is set
  std::optional<std::string> next_token;
};

}  // namespace blazed::spapi
