// Owns the memory that holds key bytes: a locked page kept out of core dumps and wiped when
// released, and the process-wide switch that makes the daemon non-dumpable.
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace blazed::crypto {

inline constexpr std::size_t kKeySize = 32;  // AES-256

// 32 key bytes on a page of their own: mlock()ed so they never reach swap, MADV_DONTDUMP so
// a core dump leaves them out, wiped and unmapped on destruction. Move-only.
class KeyMemory {
 public:
  // Zeroed key bytes; throws std::bad_alloc if no page can be mapped.
  KeyMemory();
  ~KeyMemory();
  KeyMemory(KeyMemory&& other) noexcept;
  KeyMemory& operator=(KeyMemory&& other) noexcept;
  KeyMemory(const KeyMemory&) = delete;
  KeyMemory& operator=(const KeyMemory&) = delete;

  [[nodiscard]] std::span<std::uint8_t, kKeySize> bytes() noexcept;
  [[nodiscard]] std::span<const std::uint8_t, kKeySize> bytes() const noexcept;

 private:
  void release() noexcept;
  std::uint8_t* page_ = nullptr;
};

// prctl(PR_SET_DUMPABLE, 0): no core dump and no ptrace attach by other processes of the same
// user. The daemon calls it at start-up before it loads the keyring; a CLI that handles keys
// (keys generate) calls it too.
Status make_process_non_dumpable();

}  // namespace blazed::crypto
