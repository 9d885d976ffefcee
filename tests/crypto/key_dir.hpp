// Owns test key directories: writing key files with chosen bytes and modes and loading them.
#pragma once

#include "crypto/keyring.hpp"
#include "harness/temp_dir.hpp"

#include <string>
#include <sys/types.h>

namespace blazed::testing {

class KeyDir {
 public:
  KeyDir();
  [[nodiscard]] const std::filesystem::path& path() const { return dir_.path(); }
  // Writes `content` verbatim to DIR/name with `mode`.
  void write(const std::string& name, const std::string& content, mode_t mode = 0400) const;
  // Writes the key as 64 hex digits under its id.
  void write_hex_key(const std::string& id, const std::string& hex, mode_t mode = 0400) const;
  // Loads the directory with this active (and optional legacy) key; REQUIREs success.
  [[nodiscard]] crypto::Keyring load(const std::string& active, const std::string& legacy = "") const;
  [[nodiscard]] Result<crypto::Keyring> try_load(const std::string& active,
                                                 const std::string& legacy = "") const;

 private:
  TempDir dir_{"blazed-keys"};
};

}  // namespace blazed::testing
