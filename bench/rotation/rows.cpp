// Owns the rows-per-second measurement of the rotation job on a real PostgreSQL.
#include "rows.hpp"

#include "crypto/envelope.hpp"
#include "crypto/hex.hpp"
#include "harness/postgres.hpp"
#include "harness/run_coro.hpp"
#include "jobs/keys/key_rotation.hpp"
#include "pg/migrate.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <sstream>

namespace blazed::bench {

bool bench_rotation_rows(const crypto::Keyring& keyring, const crypto::Key& old_key, long rows,
                         std::size_t token_size, int batch_size) {
  testing::PgDatabase db;
  boost::asio::io_context io;
  config::PostgresConfig cfg;
  cfg.dsn = db.dsn();
  pg::PgPool pool(io.get_executor(), cfg, Secret{});
  if (!testing::run_coro(io, pg::migrate(pool))) return false;

  db.exec("INSERT INTO sellers (region) SELECT 'na' FROM generate_series(1, " + std::to_string(rows) + ")");
  const std::string token(token_size, 't');
  for (long start = 1; start <= rows; start += 5000) {
    std::ostringstream sql;
    sql << "INSERT INTO seller_tokens (seller_id, ciphertext, key_id) VALUES ";
    for (long id = start; id < std::min(rows + 1, start + 5000); ++id) {
      const std::string row = std::to_string(id);
      auto env = crypto::seal(old_key, crypto::random_nonces(),
                              crypto::Aad{crypto::kPurposeSellerToken, "seller_tokens", row},
                              std::span(reinterpret_cast<const std::uint8_t*>(token.data()), token.size()));
      if (!env) return false;
      sql << (id == start ? "" : ",") << '(' << id << ", '\\x" << crypto::to_hex(*env) << "', '"
          << old_key.id() << "')";
    }
    db.exec(sql.str());
  }
  db.exec("VACUUM ANALYZE seller_tokens");

  jobs::RotationOptions options;
  options.batch_size = batch_size;
  const auto start = std::chrono::steady_clock::now();
  auto report = testing::run_coro(io, jobs::rotate_table(pool, keyring, crypto::random_nonces(),
                                                         jobs::seller_tokens_table(), options));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!report || report->rewrapped != rows || report->remaining != 0) {
    std::fprintf(stderr, "bench: rotation failed or incomplete\n");
    return false;
  }
  std::printf("%-7ld %-7zu %-7d %12.0f rows/s (wall, %.2f s; target >= 20000)\n", rows, token_size,
              batch_size, static_cast<double>(rows) / seconds, seconds);
  return true;
}

}  // namespace blazed::bench
