// Owns locked, non-dumpable, wiped-on-release pages for key bytes and the non-dumpable switch.
#include "crypto/key_memory.hpp"

#include "core/log.hpp"
#include "core/secret.hpp"
#include "crypto/errc.hpp"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <utility>

namespace blazed::crypto {
namespace {

std::size_t page_size() noexcept {
  static const auto size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

// Once per process: a key that may be swapped out still works, but the operator should know.
void warn_unlocked(int error) {
  static std::atomic<bool> warned{false};
  if (warned.exchange(true)) return;
  log::Logger("crypto").warn(
      "cannot lock key memory (mlock): keys may be swapped to disk; raise the limit with "
      "LimitMEMLOCK= in the unit (systemd/blazed.service sets 1M) or `ulimit -l`",
      {{"error", std::strerror(error)}});
}

}  // namespace

KeyMemory::KeyMemory() {
  void* p = mmap(nullptr, page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  page_ = static_cast<std::uint8_t*>(p);
  // Both are best effort: an unprivileged process may exceed RLIMIT_MEMLOCK, and the key is
  // still wiped on release; PR_SET_DUMPABLE covers core dumps process-wide.
  if (mlock(page_, page_size()) != 0) warn_unlocked(errno);
  (void)madvise(page_, page_size(), MADV_DONTDUMP);
}

KeyMemory::~KeyMemory() { release(); }

KeyMemory::KeyMemory(KeyMemory&& other) noexcept : page_(std::exchange(other.page_, nullptr)) {}

KeyMemory& KeyMemory::operator=(KeyMemory&& other) noexcept {
  if (this != &other) {
    release();
    page_ = std::exchange(other.page_, nullptr);
  }
  return *this;
}

std::span<std::uint8_t, kKeySize> KeyMemory::bytes() noexcept {
  return std::span<std::uint8_t, kKeySize>(page_, kKeySize);
}

std::span<const std::uint8_t, kKeySize> KeyMemory::bytes() const noexcept {
  return std::span<const std::uint8_t, kKeySize>(page_, kKeySize);
}

void KeyMemory::release() noexcept {
  if (page_ == nullptr) return;
  secure_wipe(page_, kKeySize);
  (void)munlock(page_, page_size());
  (void)munmap(page_, page_size());
  page_ = nullptr;
}

Status make_process_non_dumpable() {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    return make_error(errc::crypto_non_dumpable, std::string("prctl(PR_SET_DUMPABLE, 0) failed: ") +
                                                 std::strerror(errno));
  return {};
}

}  // namespace blazed::crypto
