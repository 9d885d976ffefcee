// Owns the benchmark's generated database: a shop's orders, order items, transactions and raw
// payloads, written by the server itself (INSERT ... SELECT over generate_series) in batches of
// orders until the database reaches a size, so it can be grown from one size to the next.
#pragma once

#include "harness/postgres.hpp"

#include <cstdint>

namespace blazed::bench {

class ShopDatabase {
 public:
  explicit ShopDatabase(const testing::PgDatabase& db);

  // Adds orders (with their rows in every table) until pg_database_size reaches `bytes`.
  void grow_to(std::uint64_t bytes);
  [[nodiscard]] std::uint64_t size_bytes() const;
  [[nodiscard]] std::int64_t orders() const { return orders_; }

 private:
  void add_orders(std::int64_t from, std::int64_t to);
  const testing::PgDatabase& db_;
  std::int64_t orders_ = 0;
};

}  // namespace blazed::bench
