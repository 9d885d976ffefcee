// Owns reading a backup back: the object fetched from a target in ranges on the loop, handed to
// a worker thread that checks, decrypts and decompresses it into a destination (pg_restore or a
// file); and the same from a local file without any service (`blazed backup decrypt`).
#pragma once

#include "core/error.hpp"
#include "crypto/keyring.hpp"
#include "jobs/backup/destinations.hpp"
#include "jobs/backup/manifest.hpp"
#include "jobs/backup/open_stream.hpp"
#include "jobs/backup/targets.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>

namespace blazed::jobs::backup {

struct RestoreResult {
  std::uint64_t object_bytes = 0;
  std::uint64_t dump_bytes = 0;
  std::chrono::milliseconds duration{0};
};

// The destination is committed only once the whole object authenticated and matched its
// manifest's size and SHA-256; otherwise discarded. Errors: the format's codes (backup_truncated,
// backup_tampered, backup_reordered, backup_wrong_key, backup_unknown_key, ...),
// backup_size_mismatch, backup_checksum_mismatch, backup_pg_restore_failed, s3_*.
boost::asio::awaitable<Result<RestoreResult>> restore_backup(Target& target, const Manifest& manifest,
                                                             const crypto::Keyring& keyring,
                                                             DumpDestination& destination,
                                                             std::uint64_t range_size = 4 << 20);

// Offline: reads `object` (a downloaded backup object) and writes the dump to `destination`.
Result<RestoreResult> decrypt_file(const std::filesystem::path& object, const crypto::Keyring& keyring,
                                   DumpDestination& destination, const ExpectedObject& expected = {});

}  // namespace blazed::jobs::backup
