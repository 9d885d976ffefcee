// Owns format detection, upgrade detection, opening and rewrapping of stored ciphertexts.
#include "crypto/ciphertext.hpp"

#include "crypto/errc.hpp"
#include "crypto/legacy_plaintext.hpp"
#include "crypto/open_failure.hpp"

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

Result<std::string> open_stored(const Keyring& keyring, const Aad& aad, RowKeyId row_key,
                                std::span<const std::uint8_t> stored) {
  if (is_envelope(stored)) return open_envelope(keyring, aad, stored);
  // A CBC value has no associated data: on a row that rotation or the daemon wrote it can only
  // be a copy planted there, and opening it would let rotation seal it as that row's own.
  if (is_legacy_cbc(stored) && !row_key) {
    const Key* legacy = keyring.legacy();
    if (legacy == nullptr) return no_legacy_key();
    auto plain = open_legacy_cbc(*legacy, stored);
    // Altered bytes that happen to leave a valid padding decrypt to garbage: answered exactly
    // as a bad padding, so that an attacker cannot tell the two apart.
    if (plain && !plausible_legacy_plaintext(aad.purpose, *plain)) {
      secure_wipe(plain->data(), plain->size());
      return open_failure();
    }
    return plain;
  }
  return open_failure();
}

Result<Secret> open_stored_secret(const Keyring& keyring, const Aad& aad, RowKeyId row_key,
                                  std::span<const std::uint8_t> stored) {
  auto plain = open_stored(keyring, aad, row_key, stored);
  if (!plain) return plain.error();
  return Secret(std::move(*plain));
}

Result<Bytes> rewrap(const Keyring& keyring, NonceSource& nonces, const Aad& aad, RowKeyId row_key,
                     std::span<const std::uint8_t> stored) {
  auto plain = open_stored(keyring, aad, row_key, stored);
  if (!plain) return plain.error();
  WipeOnExit wipe{*plain};
  return seal(keyring, nonces, aad, *plain);
}

}  // namespace blazed::crypto
