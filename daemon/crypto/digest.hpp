// Owns SHA-256 of byte strings (rotation compares stored ciphertexts by digest, not in full).
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace blazed::crypto {

std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> data);

}  // namespace blazed::crypto
