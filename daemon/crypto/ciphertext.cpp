// Owns format detection, upgrade detection, opening and rewrapping of stored ciphertexts.
#include "crypto/ciphertext.hpp"

#include "crypto/errc.hpp"

namespace blazed::crypto {
namespace {

Error no_legacy_key() {
  return make_error(errc::crypto_no_legacy_key,
                    "a legacy AES-256-CBC value was found but keyring.legacy_key is not set");
}

// Owns a plaintext string and wipes it on the way out.
struct WipeOnExit {
  std::string& s;
  ~WipeOnExit() { secure_wipe(s.data(), s.size()); }
};

}  // namespace

Result<CiphertextInfo> inspect(const Keyring& keyring, std::span<const std::uint8_t> stored) {
  if (is_envelope(stored)) {
    auto header = parse_envelope_header(stored);
    if (!header) return header.error();
    return CiphertextInfo{CiphertextFormat::envelope_v1, std::string(header->key_id)};
  }
  if (is_legacy_cbc(stored)) {
    const Key* legacy = keyring.legacy();
    return CiphertextInfo{CiphertextFormat::legacy_cbc, legacy ? legacy->id() : std::string()};
  }
  return make_error(errc::crypto_malformed, "neither an envelope nor a legacy value");
}

bool needs_upgrade(const Keyring& keyring, const CiphertextInfo& info) noexcept {
  return info.format != CiphertextFormat::envelope_v1 || info.key_id != keyring.active().id();
}

Result<std::string> open_stored(const Keyring& keyring, const Aad& aad,
                                std::span<const std::uint8_t> stored) {
  if (is_envelope(stored)) return open_envelope(keyring, aad, stored);
  if (is_legacy_cbc(stored)) {
    const Key* legacy = keyring.legacy();
    if (legacy == nullptr) return no_legacy_key();
    return open_legacy_cbc(*legacy, stored);
  }
  return make_error(errc::crypto_malformed, "neither an envelope nor a legacy value");
}

Result<Secret> open_stored_secret(const Keyring& keyring, const Aad& aad,
                                  std::span<const std::uint8_t> stored) {
  auto plain = open_stored(keyring, aad, stored);
  if (!plain) return plain.error();
  return Secret(std::move(*plain));
}

Result<Bytes> rewrap(const Keyring& keyring, NonceSource& nonces, const Aad& aad,
                     std::span<const std::uint8_t> stored) {
  auto plain = open_stored(keyring, aad, stored);
  if (!plain) return plain.error();
  WipeOnExit wipe{*plain};
  return seal(keyring, nonces, aad, *plain);
}

}  // namespace blazed::crypto
