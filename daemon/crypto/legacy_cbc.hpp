// Owns the reader for rows written by the Node.js web app: AES-256-CBC with PKCS#7 padding,
// stored as the text `hex(iv):hex(ciphertext)`. Read only; rotation rewrites them as envelopes.
#pragma once

#include "core/error.hpp"
#include "crypto/keyring.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace blazed::crypto {

inline constexpr std::size_t kCbcIvSize = 16;

// True when `stored` has the legacy shape: 32 hex digits, ':', a non-empty even run of hex.
bool is_legacy_cbc(std::span<const std::uint8_t> stored) noexcept;

// Decrypts a legacy row with `key`. Every failure (not the legacy shape, not whole 16-byte
// blocks, a padding that does not check out) is the one open_failure(), so that the answer
// never tells a bad padding from anything else.
// The format has no authentication: a flipped bit inside the ciphertext is caught only when it
// breaks the padding, and a value copied between legacy rows opens on either. That is why only
// rows whose key_id is NULL may hold one (open_stored) and rotation upgrades them to envelopes.
Result<std::string> open_legacy_cbc(const Key& key, std::span<const std::uint8_t> stored);

}  // namespace blazed::crypto
