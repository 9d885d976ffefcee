// Owns the view of a stored ciphertext whatever its format: which format and key it is under,
// whether rotation must rewrite it, opening it, and rewrapping it under the active key.
#pragma once

#include "core/error.hpp"
#include "core/secret.hpp"
#include "crypto/envelope.hpp"
#include "crypto/keyring.hpp"
#include "crypto/legacy_cbc.hpp"
#include "crypto/nonce.hpp"

#include <span>
#include <string>

namespace blazed::crypto {

enum class CiphertextFormat { envelope_v1, legacy_cbc };

struct CiphertextInfo {
  CiphertextFormat format = CiphertextFormat::envelope_v1;
  // The envelope's key id; for legacy rows the configured legacy key id (empty if none).
  std::string key_id;
};

// Recognises the format without decrypting. crypto_malformed / crypto_unsupported_version.
Result<CiphertextInfo> inspect(const Keyring& keyring, std::span<const std::uint8_t> stored);

// Rotation must rewrite it: a legacy row, or an envelope not under the active key.
bool needs_upgrade(const Keyring& keyring, const CiphertextInfo& info) noexcept;

// Opens either format. Legacy rows cannot check `aad` (the format has none); their failures
// add crypto_no_legacy_key when keyring.legacy_key is not configured.
Result<std::string> open_stored(const Keyring& keyring, const Aad& aad,
                                std::span<const std::uint8_t> stored);
// The same for tokens: the plaintext goes straight into a Secret.
Result<Secret> open_stored_secret(const Keyring& keyring, const Aad& aad,
                                  std::span<const std::uint8_t> stored);

// Opens `stored` and seals its plaintext under the active key with `aad` (what rotation writes
// back). The plaintext is wiped before this returns.
Result<Bytes> rewrap(const Keyring& keyring, NonceSource& nonces, const Aad& aad,
                     std::span<const std::uint8_t> stored);

}  // namespace blazed::crypto
