// Owns the Keyring: every key loaded from the key directory (or systemd's credentials
// directory), which one is active, which one wrote the legacy rows, and each key's age.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "crypto/key_file.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::crypto {

// What is known about a key besides its bytes; safe to log and show.
struct KeyInfo {
  std::string id;
  std::filesystem::path file;
  Clock::time_point created;
  bool created_from_header = false;  // false: the file's mtime stood in for it
};

class Key {
 public:
  Key(KeyInfo info, KeyMemory material);
  [[nodiscard]] const std::string& id() const noexcept { return info_.id; }
  // Unique per loaded key in this process (never reused): what cached cipher contexts are
  // keyed by, since an id may be reloaded with other bytes.
  [[nodiscard]] std::uint64_t serial() const noexcept { return serial_; }
  [[nodiscard]] const KeyInfo& info() const noexcept { return info_; }
  // The only way to the key bytes: for the cipher code in this library.
  [[nodiscard]] std::span<const std::uint8_t, kKeySize> material() const noexcept {
    return material_.bytes();
  }

 private:
  KeyInfo info_;
  KeyMemory material_;
  std::uint64_t serial_;
};

struct KeyringOptions {
  std::filesystem::path dir;
  // Only entries whose name starts with this are keys, the rest is skipped (credentials mode).
  // Empty: every entry except dot files must be a key file.
  std::string file_prefix;
  FileModeRule mode_rule = FileModeRule::owner_only;
  std::string active_key;
  std::string legacy_key;  // empty: no legacy rows expected
};

// Resolves the config section: the directory, or $CREDENTIALS_DIRECTORY with its prefix.
// keyring_no_credentials when from_credentials is set and systemd passed no credentials.
Result<KeyringOptions> keyring_options(const config::KeyringConfig& cfg);

class Keyring {
 public:
  // Loads and checks every key. Fails (and the daemon must not start) when a key file is
  // insecure or malformed, an id is invalid, the active or legacy key is missing, or the legacy
  // key is the active one:
  //   keyring_missing_active, keyring_missing_legacy, keyring_legacy_is_active, keyring_io,
  //   keyring_insecure_file, keyring_bad_key_file, keyring_bad_key_id, keyring_insecure_dir.
  static Result<Keyring> load(const KeyringOptions& options);
  static Result<Keyring> load(const config::KeyringConfig& cfg);

  ~Keyring();
  Keyring(Keyring&&) noexcept = default;
  Keyring& operator=(Keyring&&) noexcept = default;
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;

  // nullptr when no key has this id.
  [[nodiscard]] const Key* find(std::string_view id) const noexcept;
  [[nodiscard]] const Key& active() const noexcept { return keys_[active_]; }
  // nullptr when no legacy key is configured.
  [[nodiscard]] const Key* legacy() const noexcept;
  // Every key, sorted by id.
  [[nodiscard]] std::vector<KeyInfo> infos() const;
  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }

 private:
  Keyring() = default;
  std::vector<Key> keys_;  // sorted by id
  std::size_t active_ = 0;
  std::size_t legacy_ = npos;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

}  // namespace blazed::crypto
