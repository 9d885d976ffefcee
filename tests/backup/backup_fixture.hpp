// Owns the world of a backup test: a source database with generated rows, a keyring, s3rver with
// one bucket, targets on it (distinct prefixes stand for distinct buckets), all on one
// io_context the test drives; and the comparison of two databases table by table.
#pragma once

#include "crypto/chunked_stream.hpp"
#include "crypto/key_file.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "harness/postgres.hpp"
#include "harness/run_coro.hpp"
#include "harness/temp_dir.hpp"
#include "jobs/backup/backup_run.hpp"
#include "jobs/backup/targets.hpp"
#include "pg/pool.hpp"
#include "s3/client_fixture.hpp"
#include "s3/s3rver.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

// A Result that must hold a value / fail with `code`; either way the error is shown.
#define REQUIRE_OK(expr)                                                                         \
  do {                                                                                           \
    const auto& r_ok_ = (expr);                                                                  \
    INFO((r_ok_ ? std::string() : r_ok_.error().code + ": " + r_ok_.error().message));          \
    REQUIRE(r_ok_.has_value());                                                                  \
  } while (0)
#define REQUIRE_ERR(expr, expected_code)                                                         \
  do {                                                                                           \
    const auto& r_err_ = (expr);                                                                 \
    REQUIRE_FALSE(r_err_.has_value());                                                           \
    INFO(r_err_.error().message);                                                                \
    REQUIRE(r_err_.error().code == std::string(expected_code));                                  \
  } while (0)

namespace blazed::testing {

// Tables of several types (nulls, bytea, jsonb, numeric, timestamps), `rows` rows each.
inline void fill_source(PgDatabase& db, int rows) {
  const std::string n = std::to_string(rows);
  db.exec("CREATE SCHEMA shop;"
          "CREATE TABLE shop.orders (id bigint PRIMARY KEY, seller int NOT NULL, note text, "
          "  amount numeric(12,2), placed timestamptz, doc jsonb, blob bytea);"
          "INSERT INTO shop.orders SELECT g, g % 17, CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || md5(g::text) END, "
          "  (g * 1.37)::numeric(12,2), timestamptz '2026-01-01' + g * interval '1 minute', "
          "  jsonb_build_object('g', g, 'tags', jsonb_build_array('a', g % 3)), decode(md5(g::text), 'hex') "
          "FROM generate_series(1, " + n + ") g;"
          "CREATE TABLE public.events (id serial PRIMARY KEY, kind text NOT NULL, at timestamptz);"
          "INSERT INTO public.events (kind, at) SELECT 'k' || (g % 7), now() FROM generate_series(1, " + n + ") g;"
          "CREATE TABLE public.empty_table (x int);"
          "CREATE INDEX events_kind ON public.events (kind);"
          "ANALYZE;");
}

// Every user table's row count and a digest of its rows, in a stable order.
inline PgTextRows table_digests(const PgDatabase& db) {
  auto tables = db.exec(
      "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
      "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1");
  PgTextRows out;
  for (const auto& t : tables) {
    auto r = db.exec("SELECT '" + *t[0] + "', count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM " +
                     *t[0] + " x");
    out.push_back(r[0]);
  }
  return out;
}

struct BackupWorld {
  TempDir keydir{"blazed-backup-keys"};
  PgDatabase source;
  S3rver s3;
  boost::asio::io_context io;
  std::unique_ptr<pg::PgPool> pool;
  std::optional<crypto::Keyring> keyring;
  std::vector<jobs::backup::Target> targets;
  jobs::backup::BackupSettings settings;

  explicit BackupWorld(int rows = 2000, std::vector<std::string> prefixes = {"a/"}) {
    ::chmod(keydir.path().c_str(), 0700);
    REQUIRE(crypto::generate_key_file(keydir.path(), "k1", SystemClock::instance()).has_value());
    crypto::KeyringOptions ko;
    ko.dir = keydir.path();
    ko.active_key = "k1";
    keyring.emplace(crypto::Keyring::load(ko).value());
    fill_source(source, rows);
    config::PostgresConfig pg_cfg;
    pg_cfg.dsn = source.dsn();
    pg_cfg.pool_size = 2;
    pool = std::make_unique<pg::PgPool>(io.get_executor(), pg_cfg, Secret{});
    for (const auto& p : prefixes) add_target(p, s3.bucket());
    settings.dsn = source.dsn();
    settings.instance_id = "test";
    settings.chunk_size = 64 * 1024;
    settings.piece_size = 256 * 1024;
    settings.part_size = s3::kMinPartSize;
  }
  ~BackupWorld() { pool->stop(); }

  jobs::backup::Target& add_target(const std::string& prefix, const std::string& bucket,
                                   s3::ClientOptions options = {}) {
    if (options.bucket.empty()) options = test_options(s3.endpoint(), bucket);
    config::BackupTargetConfig c;
    c.name = prefix.substr(0, prefix.size() - 1);
    c.bucket = bucket;
    c.region = options.region;
    c.prefix = prefix;
    targets.push_back({c, make_client(io, std::move(options))});
    return targets.back();
  }

  // A target on the same s3rver whose access key s3rver refuses (403).
  jobs::backup::Target& add_refused_target(const std::string& name, const std::string& prefix) {
    s3::Credentials refused;
    refused.access_key_id = "NOT-S3RVER";
    refused.secret_access_key = Secret("x");
    config::BackupTargetConfig c;
    c.name = name;
    c.prefix = prefix;
    auto client = s3::Client::create(io.get_executor(), test_options(s3.endpoint(), s3.bucket()), refused);
    REQUIRE(client);
    targets.push_back({c, std::move(*client)});
    return targets.back();
  }

  jobs::backup::BackupDeps deps() {
    return {*pool, *keyring, crypto::random_nonces(), crypto::random_bytes(), SystemClock::instance()};
  }

  Result<jobs::backup::BackupResult> backup() {
    return run_coro(io, jobs::backup::run_backup(deps(), settings, targets));
  }
};

}  // namespace blazed::testing
