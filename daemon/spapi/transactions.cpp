// Owns listTransactions request targets and the response parser.
#include "spapi/transactions.hpp"

#include "spapi/errc.hpp"
#include "spapi/iso_time.hpp"
#include "spapi/json_exact.hpp"
#include "spapi/json_read.hpp"
#include "spapi/orders.hpp"
#include "spapi/query.hpp"

namespace blazed::spapi {

namespace json = boost::json;
using Need = JsonReader::Need;

Result<std::string> list_transactions_target(const ListTransactionsParams& p, Clock::time_point now) {
  const auto invalid = [](std::string m) { return make_error(errc::invalid_argument, std::move(m)); };
  const auto limit = latest_allowed_before(now);
  if (p.posted_before && *p.posted_before > limit) {
    return invalid("postedBefore must be at least 2 minutes before now");
  }
  const Clock::time_point end = p.posted_before.value_or(limit);
  if (end < p.posted_after) return invalid("postedBefore is before postedAfter");
  if (end - p.posted_after > max_transactions_window) {
    return invalid("postedAfter..postedBefore spans more than 180 days");
  }
  if (p.next_token && p.next_token->empty()) return invalid("empty nextToken");

  Query q;
  q.add("postedAfter", format_iso8601(p.posted_after));
  if (p.posted_before) q.add("postedBefore", format_iso8601(*p.posted_before));
  if (p.marketplace_id) q.add("marketplaceId", *p.marketplace_id);
  if (p.transaction_status) q.add("transactionStatus", *p.transaction_status);
  if (p.next_token) q.add("nextToken", *p.next_token);
  return Result<std::string>(boost::system::in_place_value,
                             std::string(list_transactions_path) + "?" + q.str());
}

Result<TransactionsPage> parse_list_transactions(std::string_view body) {
  auto doc = parse_json_object_exact(body, "listTransactions");
  if (!doc) return doc.error();
  JsonReader r;
  TransactionsPage page;
  const json::object* payload = r.object(*doc, "payload", Need::required);
  if (payload == nullptr) return r.error().context("listTransactions");
  if (std::string t = r.string(*payload, "nextToken", Need::optional); !t.empty()) {
    page.next_token = std::move(t);
  }
  r.each_object(*payload, "transactions", Need::optional, [&](const json::object& o) {
    Transaction t;
    t.transaction_id = r.string(o, "transactionId", Need::optional);
    t.transaction_type = r.string(o, "transactionType", Need::optional);
    t.transaction_status = r.string(o, "transactionStatus", Need::optional);
    t.description = r.string(o, "description", Need::optional);
    t.posted_date = r.time(o, "postedDate", Need::optional);
    t.total_amount = r.currency(o, "totalAmount");
    if (const json::object* meta = r.object(o, "sellingPartnerMetadata", Need::optional)) {
      t.marketplace_id = r.string(*meta, "marketplaceId", Need::optional);
      t.account_type = r.string(*meta, "accountType", Need::optional);
    }
    r.each_object(o, "relatedIdentifiers", Need::optional, [&](const json::object& id) {
      t.related_identifiers.emplace_back(r.string(id, "relatedIdentifierName", Need::optional),
                                         r.string(id, "relatedIdentifierValue", Need::optional));
    });
    page.transactions.push_back(std::move(t));
  });
  if (!r.ok()) return r.error().context("listTransactions");
  return page;
}

}  // namespace blazed::spapi
