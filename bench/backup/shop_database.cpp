// Owns ShopDatabase (see shop_database.hpp). Per order: 3 items, 2 transactions with a jsonb
// detail, and a 1 KiB raw payload of hash output (incompressible, like the sealed payloads the
// daemon stores): about 2 KiB of dump per order.
#include "shop_database.hpp"

#include <string>

namespace blazed::bench {

namespace {

constexpr std::int64_t kBatch = 10'000;

constexpr const char* kSchema = R"(
  CREATE SCHEMA shop;
  CREATE TABLE shop.orders (id bigint PRIMARY KEY, seller_id int NOT NULL, amazon_order_id text NOT NULL,
    status text NOT NULL, purchased_at timestamptz NOT NULL, total numeric(12,2), currency char(3),
    buyer_email text, ship_city text);
  CREATE TABLE shop.order_items (order_id bigint NOT NULL, line int NOT NULL, sku text, asin text,
    quantity int, price numeric(12,2), title text, PRIMARY KEY (order_id, line));
  CREATE TABLE shop.transactions (id bigint PRIMARY KEY, order_id bigint NOT NULL, kind text,
    amount numeric(12,2), posted_at timestamptz, detail jsonb);
  CREATE TABLE shop.raw_payloads (order_id bigint PRIMARY KEY, fetched_at timestamptz, body bytea);
  CREATE INDEX transactions_order ON shop.transactions (order_id);
)";

}  // namespace

ShopDatabase::ShopDatabase(const testing::PgDatabase& db) : db_(db) { db_.exec(kSchema); }

std::uint64_t ShopDatabase::size_bytes() const {
  return std::stoull(*db_.exec("SELECT pg_database_size(current_database())")[0][0]);
}

void ShopDatabase::add_orders(std::int64_t from, std::int64_t to) {
  const std::string range = "generate_series(" + std::to_string(from) + ", " + std::to_string(to) + ") g";
  db_.exec(
      "INSERT INTO shop.orders SELECT g, g % 50, format('%s-%s-%s', 100 + g % 900, lpad((g::bigint * 7919 % 10000000)::text, 7, '0'), "
      "  lpad((g % 10000000)::text, 7, '0')), (ARRAY['Shipped','Pending','Canceled','Unshipped'])[1 + g % 4], "
      "  timestamptz '2026-01-01' + g * interval '7 seconds', (g % 50000) / 100.0, 'USD', "
      "  md5(g::text) || '@marketplace.amazon.com', (ARRAY['Seattle','Austin','Boston','Denver','Miami'])[1 + g % 5] "
      "FROM " + range + ";"
      "INSERT INTO shop.order_items SELECT g, l, 'SKU-' || (g * l % 100000), 'B0' || upper(substr(md5((g * l)::text), 1, 8)), "
      "  1 + (g + l) % 3, (g * l % 10000) / 100.0, 'Item ' || md5((g + l)::text) || ' with a longer product title' "
      "FROM " + range + ", generate_series(1, 3) l;"
      "INSERT INTO shop.transactions SELECT g * 2 + k, g, (ARRAY['Charge','Refund','Fee'])[1 + (g + k) % 3], "
      "  (g % 9000) / 100.0, timestamptz '2026-01-01' + g * interval '9 seconds', "
      "  jsonb_build_object('fee', (g % 300) / 100.0, 'marketplace', 'ATVPDKIKX0DER', 'ref', md5((g * 2 + k)::text)) "
      "FROM " + range + ", generate_series(0, 1) k;"
      "INSERT INTO shop.raw_payloads SELECT g, timestamptz '2026-01-01' + g * interval '7 seconds', "
      "  (SELECT string_agg(sha512(int8send(g * 16 + k)), ''::bytea) FROM generate_series(0, 15) k) "
      "FROM " + range + ";");
}

void ShopDatabase::grow_to(std::uint64_t bytes) {
  while (size_bytes() < bytes) {
    add_orders(orders_ + 1, orders_ + kBatch);
    orders_ += kBatch;
  }
  db_.exec("ANALYZE");
}

}  // namespace blazed::bench
