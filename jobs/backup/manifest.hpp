// Owns the backup manifest: what a backup holds and how to check it (format version, key id,
// sizes, the object's SHA-256, PostgreSQL versions, start and end, per-table row estimates),
// its JSON form, and the object keys of a backup on a target. Written last: an object without
// its manifest is not a backup.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::jobs::backup {

inline constexpr int kManifestVersion = 1;

struct TableEstimate {
  std::string schema;
  std::string table;
  std::int64_t rows = -1;  // pg_class.reltuples; -1: never analysed
};

struct Manifest {
  int manifest_version = kManifestVersion;
  int format_version = 1;  // the chunked format of the object
  std::string backup_id;
  std::string key_id;
  std::uint64_t dump_bytes = 0;
  std::uint64_t compressed_bytes = 0;
  std::uint64_t object_bytes = 0;
  std::string object_sha256;  // hex
  std::string pg_server_version;
  std::string pg_dump_version;
  std::string instance_id;
  Clock::time_point started_at;
  Clock::time_point finished_at;
  std::vector<TableEstimate> tables;
};

std::string manifest_to_json(const Manifest& m);
// backup_bad_manifest when the text is not a manifest this build reads.
Result<Manifest> manifest_from_json(std::string_view text);

// "20261203T030000Z-1a2b3c4d": sorts by time; the suffix keeps two runs in one second apart.
std::string make_backup_id(Clock::time_point at, std::uint32_t random_suffix);
bool valid_backup_id(std::string_view id);

std::string object_key(std::string_view prefix, std::string_view backup_id);
std::string manifest_key(std::string_view prefix, std::string_view backup_id);
enum class KeyKind { object, manifest };
struct ParsedKey {
  std::string backup_id;
  KeyKind kind;
};
// The backup an object key belongs to; nullopt for anything else under the prefix.
std::optional<ParsedKey> parse_key(std::string_view prefix, std::string_view key);

// ISO 8601 UTC with seconds ("2026-12-03T03:00:00Z") and back.
std::string format_utc(Clock::time_point t);
std::optional<Clock::time_point> parse_utc(std::string_view text);
// A time as S3 lists it (LastModified, Initiated: "2026-12-03T03:00:00.000Z"), to the second.
std::optional<Clock::time_point> parse_listed_utc(std::string_view text);

}  // namespace blazed::jobs::backup
