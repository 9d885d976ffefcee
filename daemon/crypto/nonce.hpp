// Owns where GCM nonces come from: the CSPRNG in production, an injected source in tests so
// that the test vectors of docs/formats.md can be reproduced byte for byte.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <span>

namespace blazed::crypto {

inline constexpr std::size_t kNonceSize = 12;  // 96 bits, the GCM nonce size

class NonceSource {
 public:
  virtual ~NonceSource() = default;
  // Fills `out` with a nonce never used before under the same key. Thread-safe.
  virtual Status fill(std::span<std::uint8_t, kNonceSize> out) = 0;
};

// Random 96-bit nonces from OpenSSL's CSPRNG. With random nonces one key must seal fewer than
// 2^32 messages (NIST SP 800-38D); rotation keeps every key far below that.
class RandomNonces final : public NonceSource {
 public:
  Status fill(std::span<std::uint8_t, kNonceSize> out) override;
};

// The process-wide random source.
NonceSource& random_nonces();

}  // namespace blazed::crypto
