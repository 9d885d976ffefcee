// Owns the OpenSSL cipher objects this library reuses: the fetched AES-256-GCM/CBC ciphers, and
// per thread a few AES-256-GCM contexts that already hold a key's schedule, so that a message
// only sets its nonce (as TLS stacks and `openssl speed -aead` do). Internal to blazed_crypto.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <mutex>
#include <span>

namespace blazed::crypto {
class Key;
}

namespace blazed::crypto::detail {

const EVP_CIPHER* aes_256_gcm();
const EVP_CIPHER* aes_256_cbc();

// This thread's plain context; each use starts with an *Init_ex2 that resets it.
EVP_CIPHER_CTX* thread_cipher_ctx();

// A cached context in use: holds its thread's cache until it goes away, so that a keyring
// reload on another thread cannot free the context under it. get() is nullptr if OpenSSL failed.
class GcmLease {
 public:
  GcmLease(std::unique_lock<std::mutex> lock, EVP_CIPHER_CTX* ctx) : lock_(std::move(lock)), ctx_(ctx) {}
  [[nodiscard]] EVP_CIPHER_CTX* get() const noexcept { return ctx_; }

 private:
  std::unique_lock<std::mutex> lock_;
  EVP_CIPHER_CTX* ctx_;
};

// This thread's AES-256-GCM context for `key` in one direction, with `nonce` set and ready for
// AAD. Contexts are cached by the key's serial number (unique per process), at most four per
// thread. Keep the lease only while using the context, and call nothing that takes another.
GcmLease gcm_ctx(const Key& key, bool encrypt, const std::uint8_t* nonce);

// Called by ~Keyring: frees every thread's cached contexts at once (OpenSSL cleanses them), so a
// removed key's schedule lingers nowhere, not even in a thread that is idle. Waits for contexts
// in use.
void forget_cached_keys() noexcept;

// How many keyed contexts all threads hold (tests).
std::size_t cached_contexts() noexcept;

}  // namespace blazed::crypto::detail
