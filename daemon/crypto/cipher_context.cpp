// Owns the fetched ciphers, the per-thread plain context and the per-thread keyed GCM contexts.
#include "crypto/cipher_context.hpp"

#include "crypto/keyring.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

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

struct CachedCtx {
  std::uint64_t serial = 0;  // 0: empty slot (serials start at 1)
  bool encrypt = false;
  std::uint64_t last_use = 0;
  CtxPtr ctx;
};

struct GcmCache;

// Every thread's cache, so that a keyring reload can empty them all. Lock order: registry, then
// a cache.
std::mutex g_registry_mutex;
std::vector<GcmCache*>& registry() {
  static auto* caches = new std::vector<GcmCache*>();  // never destroyed: threads exit after main
  return *caches;
}

struct GcmCache {
  std::mutex mutex;
  std::array<CachedCtx, 4> slots;
  std::uint64_t tick = 0;

  GcmCache() {
    std::lock_guard lock(g_registry_mutex);
    registry().push_back(this);
  }
  ~GcmCache() {
    std::lock_guard lock(g_registry_mutex);
    auto& r = registry();
    r.erase(std::remove(r.begin(), r.end(), this), r.end());
  }
  GcmCache(const GcmCache&) = delete;
  GcmCache& operator=(const GcmCache&) = delete;
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

GcmLease gcm_ctx(const Key& key, bool encrypt, const std::uint8_t* nonce) {
  thread_local GcmCache cache;
  std::unique_lock lock(cache.mutex);
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
      return GcmLease(std::move(lock), nullptr);
    }
    victim->serial = key.serial();
    victim->encrypt = encrypt;
    hit = victim;
  }
  hit->last_use = cache.tick;
  // Key kept, nonce set: restarts GCM for a new message.
  if (EVP_CipherInit_ex2(hit->ctx.get(), nullptr, nullptr, nonce, encrypt ? 1 : 0, nullptr) != 1)
    return GcmLease(std::move(lock), nullptr);
  return GcmLease(std::move(lock), hit->ctx.get());
}

void forget_cached_keys() noexcept {
  std::lock_guard registry_lock(g_registry_mutex);
  for (GcmCache* cache : registry()) {
    std::lock_guard lock(cache->mutex);
    for (auto& s : cache->slots) s = CachedCtx{};
  }
}

std::size_t cached_contexts() noexcept {
  std::lock_guard registry_lock(g_registry_mutex);
  std::size_t n = 0;
  for (GcmCache* cache : registry()) {
    std::lock_guard lock(cache->mutex);
    n += static_cast<std::size_t>(std::count_if(cache->slots.begin(), cache->slots.end(),
                                                [](const CachedCtx& s) { return s.ctx != nullptr; }));
  }
  return n;
}

}  // namespace blazed::crypto::detail
