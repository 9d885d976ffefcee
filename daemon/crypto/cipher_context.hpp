// Owns the OpenSSL cipher objects this library reuses: the fetched AES-256-GCM/CBC ciphers and
// one cipher context per thread (re-initialised per message; fetching per call is slow in 3.0).
// Internal to blazed_crypto.
#pragma once

#include <openssl/evp.h>

namespace blazed::crypto::detail {

const EVP_CIPHER* aes_256_gcm();
const EVP_CIPHER* aes_256_cbc();
// This thread's context; each operation starts with an *Init_ex2 that resets it.
EVP_CIPHER_CTX* thread_cipher_ctx();

}  // namespace blazed::crypto::detail
