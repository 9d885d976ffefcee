// Owns the wiping and constant-time comparison behind Secret.
#include "core/secret.hpp"

#include <openssl/crypto.h>

namespace blazed {

void secure_wipe(void* data, std::size_t size) noexcept {
  if (data != nullptr && size > 0) OPENSSL_cleanse(data, size);
}

void Secret::wipe() noexcept {
  // Wipe the whole buffer including spare capacity the value once occupied.
  if (!value_.empty()) secure_wipe(value_.data(), value_.size());
  value_.clear();
}

bool operator==(const Secret& a, const Secret& b) noexcept {
  return a.value_.size() == b.value_.size() &&
         CRYPTO_memcmp(a.value_.data(), b.value_.data(), a.value_.size()) == 0;
}

}  // namespace blazed
