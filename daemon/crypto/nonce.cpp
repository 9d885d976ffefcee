// Owns the CSPRNG-backed nonce source.
#include "crypto/nonce.hpp"

#include "core/secret.hpp"
#include "crypto/errc.hpp"

#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <cstring>

namespace blazed::crypto {
namespace {

// Bumped in every child after fork(): a child must never hand out nonces its parent buffered.
std::atomic<std::uint64_t> g_fork_generation{0};

void on_fork_child() noexcept { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

[[maybe_unused]] const bool g_atfork_registered = [] {
  ::pthread_atfork(nullptr, nullptr, &on_fork_child);
  return true;
}();

// One RAND_bytes call per 340 nonces: a DRBG call costs several times a 1 KiB seal. Nonces are
// public (they are stored in the envelope), only their uniqueness matters; the buffer is
// per thread and refilled after a fork, and each nonce is wiped from it as it is handed out.
struct NonceBuffer {
  std::array<std::uint8_t, 340 * kNonceSize> bytes{};
  std::size_t next = bytes.size();
  std::uint64_t generation = 0;
};

}  // namespace

Status RandomNonces::fill(std::span<std::uint8_t, kNonceSize> out) {
  thread_local NonceBuffer buf;
  const std::uint64_t gen = g_fork_generation.load(std::memory_order_relaxed);
  if (buf.next + kNonceSize > buf.bytes.size() || buf.generation != gen) {
    if (RAND_bytes(buf.bytes.data(), static_cast<int>(buf.bytes.size())) != 1) {
      buf.next = buf.bytes.size();
      return make_error(errc::crypto_random, "the random generator failed");
    }
    buf.next = 0;
    buf.generation = gen;
  }
  std::memcpy(out.data(), buf.bytes.data() + buf.next, kNonceSize);
  secure_wipe(buf.bytes.data() + buf.next, kNonceSize);
  buf.next += kNonceSize;
  return {};
}

NonceSource& random_nonces() {
  static RandomNonces source;
  return source;
}

}  // namespace blazed::crypto
