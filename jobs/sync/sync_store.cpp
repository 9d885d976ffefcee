// Owns the sync's SQL (see sync_store.hpp): every statement the sync job runs is in this file.
#include "jobs/sync/sync_store.hpp"

#include "core/redact.hpp"
#include "crypto/digest.hpp"
#include "crypto/envelope.hpp"
#include "crypto/hex.hpp"
#include "jobs/sync/errc.hpp"
#include "pg/errc.hpp"
#include "pg/pool.hpp"
#include "spapi/errc.hpp"

#include <set>

namespace asio = boost::asio;

namespace blazed::jobs::sync {

namespace {

// Fencing: reading the state takes the row over for this run (run_id, migration 0110); every
// later write names the run and changes nothing once another run has taken the row over, so two
// runs of one seller never interleave their writes. The cursor only moves forward.
constexpr const char* kTakeOver =
    "INSERT INTO sync_state (seller_id, data_type, run_id) VALUES ($1, $2, $3) "
    "ON CONFLICT (seller_id, data_type) DO UPDATE SET run_id = $3 "
    "RETURNING cursor, run_after, run_before, resume_token, run_pages, run_rows, run_deferrals";

// (A row no run has taken over yet, e.g. from before migration 0110, is taken here.)
constexpr const char* kBeginRun =
    "INSERT INTO sync_state (seller_id, data_type, run_after, run_before, resume_token, run_pages, "
    "run_rows, last_attempt_at, run_id) VALUES ($1, $2, $3, $4, NULL, 0, 0, $5, $6) "
    "ON CONFLICT (seller_id, data_type) DO UPDATE SET run_after = $3, run_before = $4, "
    "resume_token = NULL, run_pages = 0, run_rows = 0, run_deferrals = 0, last_attempt_at = $5, run_id = $6 "
    "WHERE sync_state.run_id IS NULL OR sync_state.run_id = $6";

constexpr const char* kAbandonRun =
    "UPDATE sync_state SET run_after = NULL, run_before = NULL, resume_token = NULL, run_pages = 0, "
    "run_rows = 0, run_deferrals = 0 WHERE seller_id = $1 AND data_type = $2 AND run_id = $3";

constexpr const char* kAdvanceRun =
    "UPDATE sync_state SET resume_token = $3, run_pages = run_pages + 1, run_rows = run_rows + $4, "
    "last_attempt_at = $5 WHERE seller_id = $1 AND data_type = $2 AND run_id = $6";

// A backfill page (jobs/sync/backfill_store.cpp owns the rest of sync_backfill's statements).
constexpr const char* kAdvanceBackfill =
    "UPDATE sync_backfill SET resume_token = $3, run_pages = run_pages + 1, run_rows = run_rows + $4, "
    "pages = pages + 1, rows = rows + $4, updated_at = $5 WHERE seller_id = $1 AND data_type = $2";

// A window ending before the cursor (begun by an instance whose clock is behind the one that set
// the cursor) is stored all the same and finishes the run; the cursor keeps the later time. Were
// it refused instead, every retry would resume that same stored window and be refused again.
constexpr const char* kFinishRun =
    "UPDATE sync_state SET cursor = GREATEST(cursor, $3), last_pages = run_pages, last_rows = run_rows, "
    "run_after = NULL, run_before = NULL, resume_token = NULL, run_pages = 0, run_rows = 0, "
    "run_deferrals = 0, last_success_at = $4, last_error = NULL WHERE seller_id = $1 AND data_type = $2 "
    "AND run_id = $5";

// A deferral counts on the run's own row only (folded into its audit row at the end).
constexpr const char* kNoteDeferral =
    "UPDATE sync_state SET run_deferrals = run_deferrals + 1 WHERE seller_id = $1 AND data_type = $2 "
    "AND run_after IS NOT NULL AND run_id = $3";

constexpr const char* kRecordError =
    "INSERT INTO sync_state (seller_id, data_type, last_attempt_at, last_error, run_id) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seller_id, data_type) DO UPDATE SET "
    "last_attempt_at = $3, last_error = $4 WHERE sync_state.run_id IS NULL OR sync_state.run_id = $5";

// raw_payloads is partitioned by day (migration 0060); the function makes a missing day's
// partition without a lock that other writers wait on.
constexpr const char* kEnsureRawPartition =
    "SELECT raw_payloads_ensure_partition(($1::timestamptz AT TIME ZONE 'UTC')::date)";
constexpr const char* kNextRawId = "SELECT nextval('raw_payloads_id_seq')";
constexpr const char* kInsertRaw =
    "INSERT INTO raw_payloads (id, seller_id, data_type, received_at, request_id, key_id, ciphertext) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";

// One statement per page: unnest arrays, upserted by the primary key.
constexpr const char* kUpsertOrders =
    "INSERT INTO orders (seller_id, order_id, marketplace_id, sales_channel, status, fulfilled_by, "
    "created_time, last_updated_time, grand_total, currency, ship_country, shipping_zone, synced_at) "
    "SELECT $1, * , $12 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "$7::timestamptz[], $8::timestamptz[], $9::numeric[], $10::text[], $11::text[], $13::text[]) "
    "ON CONFLICT (seller_id, order_id) DO UPDATE SET marketplace_id = EXCLUDED.marketplace_id, "
    "sales_channel = EXCLUDED.sales_channel, status = EXCLUDED.status, "
    "fulfilled_by = EXCLUDED.fulfilled_by, created_time = EXCLUDED.created_time, "
    "last_updated_time = EXCLUDED.last_updated_time, grand_total = EXCLUDED.grand_total, "
    "currency = EXCLUDED.currency, ship_country = EXCLUDED.ship_country, "
    "shipping_zone = EXCLUDED.shipping_zone, synced_at = EXCLUDED.synced_at";

constexpr const char* kUpsertItems =
    "INSERT INTO order_items (seller_id, order_id, order_item_id, asin, seller_sku, quantity_ordered, "
    "unit_price, unit_price_currency, proceeds_total, proceeds_currency) "
    "SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], "
    "$7::numeric[], $8::text[], $9::numeric[], $10::text[]) "
    "ON CONFLICT (seller_id, order_id, order_item_id) DO UPDATE SET asin = EXCLUDED.asin, "
    "seller_sku = EXCLUDED.seller_sku, quantity_ordered = EXCLUDED.quantity_ordered, "
    "unit_price = EXCLUDED.unit_price, unit_price_currency = EXCLUDED.unit_price_currency, "
    "proceeds_total = EXCLUDED.proceeds_total, proceeds_currency = EXCLUDED.proceeds_currency";

constexpr const char* kUpsertTransactions =
    "INSERT INTO transactions (seller_id, transaction_id, transaction_type, transaction_status, "
    "description, posted_date, total_amount, currency, marketplace_id, account_type, order_id, synced_at) "
    "SELECT $1, *, $11 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], "
    "$7::numeric[], $8::text[], $9::text[], $10::text[], $12::text[]) "
    "ON CONFLICT (seller_id, transaction_id) DO UPDATE SET transaction_type = EXCLUDED.transaction_type, "
    "transaction_status = EXCLUDED.transaction_status, description = EXCLUDED.description, "
    "posted_date = EXCLUDED.posted_date, total_amount = EXCLUDED.total_amount, "
    "currency = EXCLUDED.currency, marketplace_id = EXCLUDED.marketplace_id, "
    "account_type = EXCLUDED.account_type, order_id = EXCLUDED.order_id, synced_at = EXCLUDED.synced_at";

using OptText = std::optional<std::string>;
using OptNumeric = std::optional<pg::Numeric>;

Result<OptNumeric> amount(const std::optional<spapi::Money>& m) {
  if (!m) return OptNumeric{};
  auto n = pg::Numeric::parse(m->amount);
  if (!n) return make_error(spapi::errc::spapi_malformed, "an amount is not a decimal number");
  return OptNumeric{*n};
}
OptText currency(const std::optional<spapi::Money>& m) { return m ? OptText{m->currency} : OptText{}; }

asio::awaitable<Result<std::int64_t>> upsert_orders(pg::Tx& tx, std::int64_t seller,
                                                    const std::vector<spapi::Order>& orders,
                                                    TimePoint now) {
  std::vector<std::string> ids, markets, channels, statuses, fulfilled;
  std::vector<TimePoint> created, updated;
  std::vector<OptNumeric> totals;
  std::vector<OptText> currencies, countries, zones;
  std::vector<std::string> i_order, i_id, i_asin, i_sku;
  std::vector<std::int64_t> i_qty;
  std::vector<OptNumeric> i_price, i_proceeds;
  std::vector<OptText> i_price_cur, i_proceeds_cur;
  // A page never names an order twice, but ON CONFLICT cannot touch a row twice in one
  // statement: keep the last occurrence to be safe.
  std::set<std::string_view> seen;
  for (auto it = orders.rbegin(); it != orders.rend(); ++it) {
    const spapi::Order& o = *it;
    if (!seen.insert(o.order_id).second) continue;
    auto total = amount(o.grand_total);
    if (!total) co_return total.error();
    ids.push_back(o.order_id);
    markets.push_back(o.marketplace_id);
    channels.push_back(o.sales_channel);
    statuses.push_back(o.status);
    fulfilled.push_back(o.fulfilled_by);
    created.push_back(o.created_time);
    updated.push_back(o.last_updated_time);
    totals.push_back(*total);
    currencies.push_back(currency(o.grand_total));
    countries.push_back(o.shipping_zone ? OptText{o.shipping_zone->country} : OptText{});
    zones.push_back(o.shipping_zone ? OptText{o.shipping_zone->zone} : OptText{});
    std::set<std::string_view> seen_items;
    for (const auto& item : o.items) {
      if (!seen_items.insert(item.order_item_id).second) continue;
      auto price = amount(item.unit_price);
      auto proceeds = amount(item.proceeds_total);
      if (!price) co_return price.error();
      if (!proceeds) co_return proceeds.error();
      i_order.push_back(o.order_id);
      i_id.push_back(item.order_item_id);
      i_asin.push_back(item.asin);
      i_sku.push_back(item.seller_sku);
      i_qty.push_back(item.quantity_ordered);
      i_price.push_back(*price);
      i_price_cur.push_back(currency(item.unit_price));
      i_proceeds.push_back(*proceeds);
      i_proceeds_cur.push_back(currency(item.proceeds_total));
    }
  }
  if (ids.empty()) co_return std::int64_t{0};
  auto r = co_await tx.query(kUpsertOrders, seller, ids, markets, channels, statuses, fulfilled,
                             created, updated, totals, currencies, countries, now, zones);
  if (!r) co_return r.error();
  if (!i_id.empty()) {
    auto ri = co_await tx.query(kUpsertItems, seller, i_order, i_id, i_asin, i_sku, i_qty, i_price,
                                i_price_cur, i_proceeds, i_proceeds_cur);
    if (!ri) co_return ri.error();
  }
  co_return static_cast<std::int64_t>(ids.size());
}

asio::awaitable<Result<std::int64_t>> upsert_transactions(pg::Tx& tx, std::int64_t seller,
                                                          const std::vector<spapi::Transaction>& txs,
                                                          TimePoint now) {
  std::vector<std::string> ids, types, statuses, descriptions, markets, accounts;
  std::vector<std::optional<TimePoint>> posted;
  std::vector<OptNumeric> totals;
  std::vector<OptText> currencies, order_ids;
  std::set<std::string> seen;
  for (auto it = txs.rbegin(); it != txs.rend(); ++it) {
    const spapi::Transaction& t = *it;
    std::string id = transaction_key(t);
    if (!seen.insert(id).second) continue;
    auto total = amount(t.total_amount);
    if (!total) co_return total.error();
    ids.push_back(std::move(id));
    types.push_back(t.transaction_type);
    statuses.push_back(t.transaction_status);
    descriptions.push_back(t.description);
    posted.push_back(t.posted_date);
    totals.push_back(*total);
    currencies.push_back(currency(t.total_amount));
    markets.push_back(t.marketplace_id);
    accounts.push_back(t.account_type);
    OptText order;
    for (const auto& [name, value] : t.related_identifiers) {
      if (name == "ORDER_ID") order = value;
    }
    order_ids.push_back(order);
  }
  if (ids.empty()) co_return std::int64_t{0};
  auto r = co_await tx.query(kUpsertTransactions, seller, ids, types, statuses, descriptions, posted,
                             totals, currencies, markets, accounts, now, order_ids);
  if (!r) co_return r.error();
  co_return static_cast<std::int64_t>(ids.size());
}

}  // namespace

std::string_view data_type_name(DataType type) {
  return type == DataType::orders ? "orders" : "transactions";
}

std::string transaction_key(const spapi::Transaction& t) {
  if (!t.transaction_id.empty()) return t.transaction_id;
  // Every stored field, length-prefixed so that no two field lists share an encoding.
  std::string content;
  auto add = [&content](std::string_view field) {
    content += std::to_string(field.size());
    content += ':';
    content += field;
  };
  add(t.transaction_type);
  add(t.transaction_status);
  add(t.description);
  add(t.posted_date ? *pg::to_text(*t.posted_date) : std::string());
  add(t.total_amount ? t.total_amount->amount : std::string());
  add(t.total_amount ? t.total_amount->currency : std::string());
  add(t.marketplace_id);
  add(t.account_type);
  for (const auto& [name, value] : t.related_identifiers) {
    add(name);
    add(value);
  }
  auto digest = crypto::sha256(std::span(reinterpret_cast<const std::uint8_t*>(content.data()), content.size()));
  return "sha256:" + crypto::to_hex(digest);
}

asio::awaitable<Result<SyncState>> SyncStore::state(std::int64_t seller_id, DataType type) {
  auto rows = co_await db_.query(kTakeOver, seller_id, data_type_name(type), run_id_);
  if (!rows) co_return rows.error();
  SyncState out;
  if (rows->empty()) co_return out;
  auto row = (*rows)[0];
  auto cursor = row.get<std::optional<TimePoint>>(0);
  auto after = row.get<std::optional<TimePoint>>(1);
  auto before = row.get<std::optional<TimePoint>>(2);
  auto token = row.get<std::optional<std::string>>(3);
  auto pages = row.get<std::int64_t>(4);
  auto nrows = row.get<std::int64_t>(5);
  auto deferrals = row.get<std::int64_t>(6);
  if (!cursor || !after || !before || !token || !pages || !nrows || !deferrals)
    co_return make_error(pg::errc::pg_decode, "sync_state row");
  out.cursor = *cursor;
  if (*after && *before) out.run = RunInProgress{{**after, **before}, *token, *pages, *nrows, *deferrals};
  co_return out;
}

Status SyncStore::fenced(std::int64_t affected, std::string_view what) const {
  if (affected == 1) return Status{};
  return make_error(errc::sync_fenced,
                    "another run of this seller took its sync state over; this run could not " +
                        std::string(what) + " and stops");
}

asio::awaitable<Status> SyncStore::begin_run(std::int64_t seller_id, DataType type, const SyncWindow& w) {
  auto r = co_await db_.query(kBeginRun, seller_id, data_type_name(type), w.after, w.before, clock_.now(),
                              run_id_);
  if (!r) co_return r.error();
  co_return fenced(r->affected(), "begin a run");
}

asio::awaitable<Status> SyncStore::abandon_run(std::int64_t seller_id, DataType type) {
  auto r = co_await db_.query(kAbandonRun, seller_id, data_type_name(type), run_id_);
  if (!r) co_return r.error();
  co_return fenced(r->affected(), "abandon the run");
}

asio::awaitable<Result<std::int64_t>> SyncStore::commit_page(std::int64_t seller_id, const PageToStore& page) {
  const TimePoint now = clock_.now();
  const std::int64_t day = std::chrono::floor<std::chrono::days>(now).time_since_epoch().count();
  if (partition_day_ != day) {
    auto made = co_await db_.query(kEnsureRawPartition, now);
    if (!made) co_return made.error().context("making today's raw_payloads partition");
    partition_day_ = day;
  }
  // The id first: the envelope is bound to it (docs/formats.md), so sealing needs it.
  auto id_rows = co_await db_.query(kNextRawId);
  if (!id_rows) co_return id_rows.error();
  auto raw_id = id_rows->scalar<std::int64_t>();
  if (!raw_id) co_return raw_id.error();
  const std::string raw_row = std::to_string(*raw_id);
  auto sealed = crypto::seal(keyring_, nonces_, crypto::Aad{crypto::kPurposeRawPayload, "raw_payloads", raw_row},
                             page.raw);
  if (!sealed) co_return sealed.error();
  pg::Bytes ciphertext(sealed->begin(), sealed->end());
  const std::string key_id = keyring_.active().id();
  // Computed outside the coroutine body's expressions: GCC 12 double-destroys temporaries of a
  // ?: inside a co_await expression.
  const OptText request_id = page.request_id.empty() ? OptText{} : OptText{page.request_id};

  std::int64_t written = 0;
  auto st = co_await db_.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    Result<std::int64_t> n = std::int64_t{0};
    if (page.type == DataType::orders) {
      n = co_await upsert_orders(tx, seller_id, *page.orders, now);
    } else {
      n = co_await upsert_transactions(tx, seller_id, *page.transactions, now);
    }
    if (!n) co_return n.error();
    written = *n;
    auto raw = co_await tx.query(kInsertRaw, *raw_id, seller_id, data_type_name(page.type), now,
                                 request_id, key_id, ciphertext);
    if (!raw) co_return raw.error();
    for (const auto& event : page.audit)
      if (auto audited = co_await pg::record_audit(tx, clock_, event); !audited) co_return audited.error();
    // A backfill's window lives in sync_backfill, one backfill per seller at a time (its unique
    // key); a sync's page is fenced by the run that took sync_state over.
    // The query chosen first and awaited by name: with `?:` inside or around the co_await, GCC 12
    // frees a temporary twice (ASan: the awaited Rows, or the query's frame, used after free).
    auto advance = page.backfill ? tx.query(kAdvanceBackfill, seller_id, data_type_name(page.type),
                                            page.next_token, written, now)
                                 : tx.query(kAdvanceRun, seller_id, data_type_name(page.type),
                                            page.next_token, written, now, run_id_);
    auto adv = co_await std::move(advance);
    if (!adv) co_return adv.error();
    // Refused: the rows and payload of this page roll back with it.
    co_return fenced(adv->affected(), "commit a page");
  });
  if (!st) co_return st.error();
  co_return written;
}

asio::awaitable<Status> SyncStore::finish_run(std::int64_t seller_id, DataType type, TimePoint window_end) {
  auto r = co_await db_.query(kFinishRun, seller_id, data_type_name(type), window_end, clock_.now(), run_id_);
  if (!r) co_return r.error();
  co_return fenced(r->affected(), "move the cursor");
}

asio::awaitable<Status> SyncStore::note_deferral(std::int64_t seller_id, DataType type) {
  auto r = co_await db_.query(kNoteDeferral, seller_id, data_type_name(type), run_id_);
  if (!r) co_return r.error();
  co_return Status{};
}

asio::awaitable<Status> SyncStore::record_error(std::int64_t seller_id, DataType type, const Error& error) {
  // Redacted before it is stored: sellers.list shows it, and the message may quote a response.
  auto r = co_await db_.query(kRecordError, seller_id, data_type_name(type), clock_.now(),
                              redact(error.code + ": " + error.message), run_id_);
  if (!r) co_return r.error();
  co_return fenced(r->affected(), "record an error");
}

}  // namespace blazed::jobs::sync
