// Owns the key rotation duty: rewrite every stored ciphertext that is not under the active key
// (older keys, legacy AES-256-CBC rows) as an envelope under it, in batches that commit with
// their cursor (resumable after a crash), with compare-and-swap writes so that a concurrent
// writer's newer value is never overwritten. Design: docs/formats.md, "Key rotation".
#pragma once

#include "core/error.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "pg/executor.hpp"
#include "pg/pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace blazed::jobs {

// A table holding ciphertexts: `id_column` (bigint, unique) is also the AAD row id; the table has
// `ciphertext bytea` and `key_id text` (NULL for legacy rows) columns. Names come from code only.
struct RotationTable {
  std::string table;
  std::string id_column;
  std::string purpose;
};

// seller_tokens (seller_id, purpose seller_token).
const RotationTable& seller_tokens_table();
// raw_payloads (id, purpose raw_payload): encrypted SP-API pages (migration 0011).
const RotationTable& raw_payloads_table();
// Every table rotation covers, in the order a run visits them.
std::span<const RotationTable> rotation_tables();

struct RotationProgress {
  std::int64_t run_id = 0;
  int pass = 0;
  std::int64_t cursor = 0;  // the last id of the batch just committed
  std::int64_t rewrapped = 0;
  std::int64_t skipped = 0;  // changed by a concurrent writer between read and write
  std::int64_t failed = 0;   // did not open (tampered, unknown key): left as they are
};

struct RotationOptions {
  int batch_size = 1000;
  // Passes over the table; each later pass picks up rows a writer put back under an old key.
  int max_passes = 5;
  // Called after each committed batch (progress for `blazectl keys status`, tests).
  std::function<void(const RotationProgress&)> on_batch;
};

struct RotationReport {
  std::int64_t run_id = 0;
  bool resumed = false;  // continued an unfinished run (a crash or a stop mid-way)
  int passes = 0;
  std::int64_t rewrapped = 0;
  std::int64_t skipped = 0;
  std::int64_t failed = 0;
  std::int64_t remaining = 0;  // rows still not under the active key when the run ended
};

// Rotates one table to keyring.active(). Holds a session-level advisory lock for the run:
// rotation_busy when another process is rotating the same table.
boost::asio::awaitable<Result<RotationReport>> rotate_table(pg::PgPool& db,
                                                            const crypto::Keyring& keyring,
                                                            crypto::NonceSource& nonces,
                                                            const RotationTable& table,
                                                            RotationOptions options = {});

// How many rows of each table are under each key (nullopt: legacy rows), for `keys status`.
struct KeyUsage {
  std::string table;
  std::optional<std::string> key_id;
  std::int64_t rows = 0;
};
boost::asio::awaitable<Result<std::vector<KeyUsage>>> key_usage(
    pg::Executor& db, std::span<const RotationTable> tables);

}  // namespace blazed::jobs
