// Owns the AES-256-GCM envelope (format v1): sealing under a key with a fresh 96-bit nonce,
// and opening with the associated data that binds a ciphertext to its row and purpose.
// Byte layout and test vectors: docs/formats.md.
#pragma once

#include "core/error.hpp"
#include "crypto/hex.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"

#include <span>
#include <string>
#include <string_view>

namespace blazed::crypto {

// What a ciphertext is for and where it lives. A ciphertext only opens with the same three
// values it was sealed with, so a token copied onto another seller's row fails to decrypt.
struct Aad {
  std::string_view purpose;  // e.g. kPurposeSellerToken
  std::string_view table;    // the table the ciphertext is stored in
  std::string_view row_id;   // the row's key as text, e.g. the seller id "42"
};

inline constexpr std::string_view kPurposeSellerToken = "seller_token";
inline constexpr std::string_view kPurposeRawPayload = "raw_payload";

inline constexpr std::uint8_t kEnvelopeMagic0 = 0xBE;
inline constexpr std::uint8_t kEnvelopeMagic1 = 0x5A;  // 'Z'
inline constexpr std::uint8_t kEnvelopeVersion1 = 0x01;
inline constexpr std::size_t kTagSize = 16;

// The parsed fixed part of an envelope; `key_id` points into the envelope.
struct EnvelopeHeader {
  std::string_view key_id;
  std::size_t header_size = 0;  // magic, version, key id length and key id
};

// True when `stored` starts with the envelope magic (whatever its version).
bool is_envelope(std::span<const std::uint8_t> stored) noexcept;

// Checks the layout without any key:
//   crypto_malformed            bad magic, bad key id length or too short to hold nonce and tag
//   crypto_unsupported_version  a version this build does not know
Result<EnvelopeHeader> parse_envelope_header(std::span<const std::uint8_t> stored);

// Seals `plaintext` under `key`. crypto_bad_aad when a field is empty or longer than 65535.
Result<Bytes> seal(const Key& key, NonceSource& nonces, const Aad& aad,
                   std::span<const std::uint8_t> plaintext);
// Seals under the keyring's active key.
Result<Bytes> seal(const Keyring& keyring, NonceSource& nonces, const Aad& aad,
                   std::string_view plaintext);

// Opens an envelope. crypto_unknown_key when its key id is not in the keyring (the header says
// so to anyone who reads the row: no secret in telling it); any other failure (a malformed
// header, an unknown version, altered or truncated bytes, another row's or purpose's
// ciphertext, the wrong key) is the one open_failure(). Messages never carry plaintext or key
// bytes, and no partly decrypted plaintext outlives a failure.
Result<std::string> open_envelope(const Keyring& keyring, const Aad& aad,
                                  std::span<const std::uint8_t> stored);

}  // namespace blazed::crypto
