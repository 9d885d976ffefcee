// Owns SHA-256 through OpenSSL's one-shot digest.
#include "crypto/digest.hpp"

#include <openssl/evp.h>

#include <new>

namespace blazed::crypto {

std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> data) {
  std::array<std::uint8_t, 32> out{};
  unsigned int len = 0;
  // Fails only on allocation failure inside OpenSSL.
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1)
    throw std::bad_alloc();
  return out;
}

}  // namespace blazed::crypto
