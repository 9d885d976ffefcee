// Owns the OpenSSL cipher objects this library reuses: the fetched AES-256-GCM/CBC ciphers, and
// per thread a few AES-256-GCM contexts that already hold a key's schedule, so that a message
// only sets its nonce (as TLS stacks and `openssl speed -aead` do). Internal to blazed_crypto.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <span>

namespace blazed::crypto {
class Key;
}

namespace blazed::crypto::detail {

const EVP_CIPHER* aes_256_gcm();
const EVP_CIPHER* aes_256_cbc();

// This thread's plain context; each use starts with an *Init_ex2 that resets it.
EVP_CIPHER_CTX* thread_cipher_ctx();

// This thread's AES-256-GCM context for `key` in one direction, with `nonce` set and ready for
// AAD; nullptr if OpenSSL fails. Contexts are cached by the key's serial number (unique per
// process), at most four per thread, and all freed (OpenSSL cleanses them) the next time a
// thread calls this after any Keyring was destroyed, so a retired key's schedule does not
// linger in a thread that keeps working.
EVP_CIPHER_CTX* gcm_ctx(const Key& key, bool encrypt, const std::uint8_t* nonce);

// Called by ~Keyring: invalidates every thread's cached contexts.
void forget_cached_keys() noexcept;

}  // namespace blazed::crypto::detail
