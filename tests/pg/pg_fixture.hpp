// Owns the shared set-up of the pg tests: an io_context, a fresh database and a PgPool on it.
#pragma once

#include "config/config.hpp"
#include "core/secret.hpp"
#include "harness/catch_result.hpp"
#include "harness/postgres.hpp"
#include "harness/run_coro.hpp"
#include "pg/pool.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>

namespace blazed::testing {

inline config::PostgresConfig pg_config(const std::string& dsn, int pool_size = 4) {
  config::PostgresConfig c;
  c.dsn = dsn;
  c.pool_size = pool_size;
  c.reconnect_max_delay = std::chrono::milliseconds(200);
  return c;
}

struct PgFixture {
  boost::asio::io_context io;
  PgDatabase db;
  std::unique_ptr<pg::PgPool> pool = make_pool(pg_config(db.dsn()));

  std::unique_ptr<pg::PgPool> make_pool(const config::PostgresConfig& c) {
    return std::make_unique<pg::PgPool>(io.get_executor(), c, Secret{});
  }

  template <class T>
  T run(boost::asio::awaitable<T> coro) {
    return run_coro(io, std::move(coro));
  }
};

}  // namespace blazed::testing
