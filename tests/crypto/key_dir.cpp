// Owns writing test key files and loading test keyrings.
#include "key_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

namespace blazed::testing {

KeyDir::KeyDir() { ::chmod(dir_.path().c_str(), 0700); }

void KeyDir::write(const std::string& name, const std::string& content, mode_t mode) const {
  const auto file = dir_.path() / name;
  std::filesystem::remove(file);
  {
    std::ofstream out(file, std::ios::binary);
    REQUIRE(out);
    out << content;
  }
  REQUIRE(::chmod(file.c_str(), mode) == 0);
}

void KeyDir::write_hex_key(const std::string& id, const std::string& hex, mode_t mode) const {
  write(id, hex + "\n", mode);
}

Result<crypto::Keyring> KeyDir::try_load(const std::string& active, const std::string& legacy) const {
  crypto::KeyringOptions o;
  o.dir = dir_.path();
  o.active_key = active;
  o.legacy_key = legacy;
  return crypto::Keyring::load(o);
}

crypto::Keyring KeyDir::load(const std::string& active, const std::string& legacy) const {
  auto ring = try_load(active, legacy);
  INFO((ring ? std::string() : ring.error().code + ": " + ring.error().message));
  REQUIRE(ring.has_value());
  return std::move(*ring);
}

}  // namespace blazed::testing
