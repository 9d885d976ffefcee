// Owns the fetched ciphers, the per-thread plain context and the per-thread keyed GCM contexts.
#include "crypto/cipher_context.hpp"

#include "crypto/keyring.hpp"

#include <array>
#include <atomic>
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
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

EVP_CIPHER* fetch(const char* name) {
  EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, name, nullptr);
  if (c == nullptr) throw std::bad_alloc();  // the default provider always has AES
  return c;
}

std::atomic<std::uint64_t> g_keyring_epoch{0};

struct CachedCtx {
  std::uint64_t serial = 0;  // 0: empty slot (serials start at 1)
  bool encrypt = false;
  std::uint64_t last_use = 0;
  CtxPtr ctx;
};

struct GcmCache {
  std::array<CachedCtx, 4> slots;
  std::uint64_t epoch = 0;
  std::uint64_t tick = 0;
};

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
  // Freed (and cleansed by OpenSSL) when the thread exits.
  thread_local const CtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw std::bad_alloc();
  return ctx.get();
}

EVP_CIPHER_CTX* gcm_ctx(const Key& key, bool encrypt, const std::uint8_t* nonce) {
  thread_local GcmCache cache;
  const std::uint64_t epoch = g_keyring_epoch.load(std::memory_order_acquire);
  if (cache.epoch != epoch) {
    for (auto& s : cache.slots) s = CachedCtx{};
    cache.epoch = epoch;
  }
  ++cache.tick;
  CachedCtx* hit = nullptr;
  CachedCtx* victim = &cache.slots[0];
  for (auto& s : cache.slots) {
    if (s.serial == key.serial() && s.encrypt == encrypt && s.ctx) hit = &s;
    if (s.last_use < victim->last_use) victim = &s;
  }
  if (hit == nullptr) {
    *victim = CachedCtx{};
    victim->ctx.reset(EVP_CIPHER_CTX_new());
    if (!victim->ctx || EVP_CipherInit_ex2(victim->ctx.get(), aes_256_gcm(), key.material().data(),
                                           nullptr, encrypt ? 1 : 0, nullptr) != 1) {
      *victim = CachedCtx{};
      return nullptr;
    }
    victim->serial = key.serial();
    victim->encrypt = encrypt;
    hit = victim;
  }
  hit->last_use = cache.tick;
  // Key kept, nonce set: restarts GCM for a new message.
  if (EVP_CipherInit_ex2(hit->ctx.get(), nullptr, nullptr, nonce, encrypt ? 1 : 0, nullptr) != 1)
    return nullptr;
  return hit->ctx.get();
}

void forget_cached_keys() noexcept { g_keyring_epoch.fetch_add(1, std::memory_order_acq_rel); }

}  // namespace blazed::crypto::detail
