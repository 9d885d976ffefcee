// Owns hexadecimal encoding and decoding of byte strings (key files, legacy rows, test vectors).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::crypto {

using Bytes = std::vector<std::uint8_t>;

// Lowercase hex of `bytes`.
std::string to_hex(std::span<const std::uint8_t> bytes);
// Appends lowercase hex of `bytes` to `out` (reserve first when `out` must not reallocate).
void append_hex(std::span<const std::uint8_t> bytes, std::string& out);

// Decodes hex (either case) into `out`, which must be exactly half the length of `hex`.
// Returns false on an odd length, a size mismatch or a non-hex character; `out` is then
// left partly written and the caller wipes it if it held a secret.
bool hex_decode_into(std::string_view hex, std::span<std::uint8_t> out) noexcept;

// Decodes hex (either case); nullopt on an odd length or a non-hex character.
std::optional<Bytes> from_hex(std::string_view hex);

bool is_hex(std::string_view text) noexcept;

}  // namespace blazed::crypto
