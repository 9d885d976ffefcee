// Owns the fetched ciphers and the per-thread cipher context.
#include "crypto/cipher_context.hpp"

#include <memory>
#include <new>

namespace blazed::crypto::detail {
namespace {

struct CipherFree {
  void operator()(EVP_CIPHER* c) const noexcept { EVP_CIPHER_free(c); }
};
struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};

EVP_CIPHER* fetch(const char* name) {
  EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, name, nullptr);
  if (c == nullptr) throw std::bad_alloc();  // the default provider always has AES
  return c;
}

}  // namespace

const EVP_CIPHER* aes_256_gcm() {
  static const std::unique_ptr<EVP_CIPHER, CipherFree> c(fetch("AES-256-GCM"));
  return c.get();
}

const EVP_CIPHER* aes_256_cbc() {
  static const std::unique_ptr<EVP_CIPHER, CipherFree> c(fetch("AES-256-CBC"));
  return c.get();
}

EVP_CIPHER_CTX* thread_cipher_ctx() {
  // Freed (and its key schedule cleansed by OpenSSL) when the thread exits.
  thread_local const std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw std::bad_alloc();
  return ctx.get();
}

}  // namespace blazed::crypto::detail
