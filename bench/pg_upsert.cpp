// Owns the benchmark of the sync's write path: a page of 100 orders upserted as one unnest
// statement versus 100 single-row upserts (in one transaction, and one by one). Prints medians.
#include "harness/postgres.hpp"
#include "harness/run_coro.hpp"
#include "pg/pool.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace blazed;
using namespace blazed::pg;
namespace asio = boost::asio;

namespace {

constexpr int kPageSize = 100;
constexpr int kPages = 40;

const char* kUpsertOne =
    "INSERT INTO orders (id, seller_id, total, status) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total, status = EXCLUDED.status";
const char* kUpsertPage =
    "INSERT INTO orders (id, seller_id, total, status) "
    "SELECT * FROM unnest($1::text[], $2::bigint[], $3::numeric[], $4::text[]) "
    "ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total, status = EXCLUDED.status";

struct Page {
  std::vector<std::string> ids;
  std::vector<std::int64_t> sellers;
  std::vector<Numeric> totals;
  std::vector<std::string> statuses;
};

Page make_page(int n) {
  Page p;
  for (int i = 0; i < kPageSize; ++i) {
    p.ids.push_back("113-" + std::to_string(n) + "-" + std::to_string(i));
    p.sellers.push_back(n % 7);
    p.totals.push_back(Numeric::parse(std::to_string(i) + "." + std::to_string(10 + n % 90)).value());
    p.statuses.push_back(i % 2 ? "Shipped" : "Unshipped");
  }
  return p;
}

asio::awaitable<Status> page_unnest(PgPool& pool, const Page& p) {
  auto r = co_await pool.query(kUpsertPage, p.ids, p.sellers, p.totals, p.statuses);
  if (!r) co_return r.error();
  co_return Status{};
}

asio::awaitable<Status> page_rows_in_tx(PgPool& pool, const Page& p) {
  co_return co_await pool.transaction([&p](Tx& tx) -> asio::awaitable<Status> {
    for (int i = 0; i < kPageSize; ++i) {
      auto r = co_await tx.query(kUpsertOne, p.ids[i], p.sellers[i], p.totals[i], p.statuses[i]);
      if (!r) co_return r.error();
    }
    co_return Status{};
  });
}

asio::awaitable<Status> page_rows_autocommit(PgPool& pool, const Page& p) {
  for (int i = 0; i < kPageSize; ++i) {
    auto r = co_await pool.query(kUpsertOne, p.ids[i], p.sellers[i], p.totals[i], p.statuses[i]);
    if (!r) co_return r.error();
  }
  co_return Status{};
}

double median_ms(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main() {
  testing::PgDatabase db;
  db.exec("CREATE TABLE orders (id text PRIMARY KEY, seller_id bigint, total numeric, status text)");
  asio::io_context io;
  config::PostgresConfig cfg;
  cfg.dsn = db.dsn();
  PgPool pool(io.get_executor(), cfg, Secret{});

  using Method = std::function<asio::awaitable<Status>(PgPool&, const Page&)>;
  const std::vector<std::pair<const char*, Method>> methods = {
      {"unnest, 1 statement/page", page_unnest},
      {"100 upserts in 1 transaction", page_rows_in_tx},
      {"100 upserts, autocommit", page_rows_autocommit}};
  std::vector<double> medians;
  for (const auto& [name, method] : methods) {
    db.exec("TRUNCATE orders");
    std::vector<double> times;
    // Each page twice: first insert, then the update path of the upsert.
    for (int pass = 0; pass < 2; ++pass) {
      for (int n = 0; n < kPages; ++n) {
        Page page = make_page(n);
        auto start = std::chrono::steady_clock::now();
        auto st = testing::run_coro(io, method(pool, page));
        auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
        if (!st) {
          std::fprintf(stderr, "%s: %s\n", name, st.error().message.c_str());
          return 1;
        }
        times.push_back(ms.count());
      }
    }
    medians.push_back(median_ms(times));
    std::printf("%-30s median %.2f ms per page of %d (%d pages x 2 passes)\n", name, medians.back(),
                kPageSize, kPages);
  }
  std::printf("ratios to unnest: %.1fx (transaction), %.1fx (autocommit)\n",
              medians[1] / medians[0], medians[2] / medians[0]);
}
