// Owns the CSPRNG-backed nonce source.
#include "crypto/nonce.hpp"

#include <openssl/rand.h>

namespace blazed::crypto {

Status RandomNonces::fill(std::span<std::uint8_t, kNonceSize> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
    return make_error("crypto_random", "the random generator failed");
  return {};
}

NonceSource& random_nonces() {
  static RandomNonces source;
  return source;
}

}  // namespace blazed::crypto
