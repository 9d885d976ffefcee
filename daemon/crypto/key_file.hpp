// Owns the key file: the key id rules, reading one key file with its permission check, and
// writing a new random key file (`keys generate`). The format is specified in docs/formats.md.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "crypto/key_memory.hpp"

#include <filesystem>
#include <optional>
#include <string_view>

namespace blazed::crypto {

// 1 to 64 characters of [A-Za-z0-9._-], starting with a letter or digit. Key ids travel in
// every envelope header and name files, so they are plain and short.
bool valid_key_id(std::string_view id) noexcept;
Status check_key_id(std::string_view id);

// Which permission bits make a key file unacceptable.
enum class FileModeRule {
  // No bit for group or others (a key directory we own).
  owner_only,
  // No bit for others. systemd's credential files carry an ACL whose mask shows in the group
  // bits, inside a per-unit directory nobody else can enter, so group bits are not a leak.
  no_other,
};

struct KeyFile {
  KeyMemory key;
  // From the file's `created` line; for bare key files (raw or hex), the file's mtime.
  Clock::time_point created;
  bool created_from_header = false;
};

// Reads and checks one key file. Errors name the file, never its content:
//   keyring_io            cannot open or read it
//   keyring_insecure_file not a regular file, or readable/writable beyond `rule`
//   keyring_bad_key_file  not one of the three accepted layouts
Result<KeyFile> read_key_file(const std::filesystem::path& path, FileModeRule rule);

// The text of a v1 key file for `key` created at `created` (what generate_key_file writes).
std::string format_key_file(std::span<const std::uint8_t, kKeySize> key, Clock::time_point created);

// Writes 32 fresh random bytes as a v1 key file DIR/ID, created with O_EXCL and mode 0400 (an
// existing key is never overwritten). Returns the file's path.
Result<std::filesystem::path> generate_key_file(const std::filesystem::path& dir, std::string_view id,
                                                const Clock& clock = SystemClock::instance());

}  // namespace blazed::crypto
