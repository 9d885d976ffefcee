// Owns the crypto fuzz targets' fixed keyring and the seed writer (fuzz_keyring.hpp).
#include "fuzz_keyring.hpp"

#include "crypto/key_file.hpp"

#include <sys/stat.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace blazed::fuzz {

namespace {

void write_key(const std::filesystem::path& dir, const char* id, std::uint8_t fill) {
  std::array<std::uint8_t, crypto::kKeySize> bytes{};
  bytes.fill(fill);
  const auto path = dir / id;
  std::ofstream(path) << crypto::format_key_file(bytes, Clock::time_point(std::chrono::seconds(1'700'000'000)));
  ::chmod(path.c_str(), 0400);
}

crypto::Keyring load() {
  char tmpl[] = "/tmp/blazed-fuzz-keys-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp");
  const std::filesystem::path dir(tmpl);
  write_key(dir, "fuzz1", 0x11);
  write_key(dir, "legacy1", 0x22);
  crypto::KeyringOptions o;
  o.dir = dir;
  o.active_key = "fuzz1";
  o.legacy_key = "legacy1";
  auto k = crypto::Keyring::load(o);
  std::filesystem::remove_all(dir);
  if (!k) throw std::runtime_error("fuzz keyring: " + k.error().message);
  return std::move(*k);
}

}  // namespace

const crypto::Keyring& fuzz_keyring() {
  static const crypto::Keyring keyring = load();
  return keyring;
}

void write_seed(const char* name, const std::string& bytes) {
  const char* dir = std::getenv("BLAZED_FUZZ_SEED_DIR");
  if (dir == nullptr) return;
  std::ofstream(std::filesystem::path(dir) / name, std::ios::binary) << bytes;
}

}  // namespace blazed::fuzz
