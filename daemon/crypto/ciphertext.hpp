// Owns the view of a stored ciphertext whatever its format: which format and key it is under,
// whether rotation must rewrite it, opening it, and rewrapping it under the active key.
#pragma once

#include "core/error.hpp"
#include "core/secret.hpp"
#include "crypto/envelope.hpp"
#include "crypto/keyring.hpp"
#include "crypto/legacy_cbc.hpp"
#include "crypto/nonce.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

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

// The row's key_id column, stored beside its ciphertext: the key it was sealed under, or nullopt
// (NULL) for a row the web app wrote, the only rows where a legacy CBC value is accepted.
using RowKeyId = std::optional<std::string_view>;

// Opens either format. A legacy value opens only on a row whose key_id is NULL, with
// keyring.legacy_key (crypto_no_legacy_key when it is not set); it cannot check `aad` (the format
// has none). A legacy value on any other row, like every other failure, is the one
// open_failure(); crypto_unknown_key when an envelope's key is not in the keyring.
Result<std::string> open_stored(const Keyring& keyring, const Aad& aad, RowKeyId row_key,
                                std::span<const std::uint8_t> stored);
// The same for tokens: the plaintext goes straight into a Secret.
Result<Secret> open_stored_secret(const Keyring& keyring, const Aad& aad, RowKeyId row_key,
                                  std::span<const std::uint8_t> stored);

// Opens `stored` and seals its plaintext under the active key with `aad` (what rotation writes
// back). The plaintext is wiped before this returns.
Result<Bytes> rewrap(const Keyring& keyring, NonceSource& nonces, const Aad& aad, RowKeyId row_key,
                     std::span<const std::uint8_t> stored);

}  // namespace blazed::crypto
