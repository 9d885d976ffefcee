// Owns one backup run: pg_dump (its version checked against the server's) on a worker thread
// that compresses and encrypts its output, the sealed bytes streamed into one multipart upload
// per target with bounded memory and no temporary file, then the manifest written to every
// target, last. Any failure aborts the uploads and writes no manifest.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"
#include "crypto/chunked_stream.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "jobs/backup/manifest.hpp"
#include "jobs/backup/targets.hpp"
#include "pg/executor.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace blazed::jobs::backup {

struct BackupSettings {
  std::string pg_dump = "pg_dump";
  std::string dsn;      // the database to dump (libpq keyword/value or URI)
  Secret pg_password;   // passed to pg_dump as PGPASSWORD; empty: none
  int zstd_level = 1;
  std::uint32_t chunk_size = crypto::kDefaultChunkSize;
  std::size_t queue_pieces = 4;        // sealed pieces in flight between the thread and the loop
  std::size_t piece_size = 1 << 20;    // bytes read from pg_dump at a time
  std::uint64_t part_size = s3::kMinPartSize;
  std::string instance_id;
};

struct BackupDeps {
  pg::Executor& db;  // the database being backed up (versions, row estimates)
  const crypto::Keyring& keyring;
  crypto::NonceSource& nonces;
  crypto::RandomSource& random;
  const Clock& clock;
};

struct BackupResult {
  Manifest manifest;
  std::chrono::milliseconds duration{0};
};

// Errors: backup_pg_version (pg_dump older than the server), backup_spawn, backup_pg_dump_failed
// (its exit status and the tail of its stderr), backup_compress, backup_cancelled, the S3
// client's codes (s3_*), each with the target's name in the message.
boost::asio::awaitable<Result<BackupResult>> run_backup(BackupDeps deps, const BackupSettings& settings,
                                                        std::vector<Target>& targets);

}  // namespace blazed::jobs::backup
