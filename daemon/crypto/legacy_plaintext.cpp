// Owns the per-purpose check of a legacy value's plaintext (see legacy_plaintext.hpp).
#include "crypto/legacy_plaintext.hpp"

#include "crypto/envelope.hpp"

#include <algorithm>
#include <cstdint>

namespace blazed::crypto {
namespace {

// More than one block: a value cut to its IV and first block, the one block a padding probe
// could otherwise reach through the IV, never opens. LWA refresh tokens are hundreds of bytes.
constexpr std::size_t kMinTokenBytes = 16;
constexpr std::size_t kMaxTokenBytes = 4096;

bool is_token(std::string_view s) {
  return s.size() >= kMinTokenBytes && s.size() <= kMaxTokenBytes &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

// Well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF) without control
// characters other than tab, newline and carriage return.
bool is_text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // a sequence cut off at the end
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<std::uint8_t>(s[i + k]);
      if ((cc & 0xc0u) != 0x80u) return false;
      cp = (cp << 6) | (cc & 0x3fu);
    }
    const bool overlong = (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
    if (overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || (cp >= 0x80 && cp < 0xa0)) return false;
    i += n + 1;
  }
  return true;
}

bool is_json_text(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  const bool framed = (s[first] == '{' && s[last] == '}') || (s[first] == '[' && s[last] == ']');
  return framed && is_text(s);
}

}  // namespace

bool plausible_legacy_plaintext(std::string_view purpose, std::string_view plaintext) noexcept {
  if (purpose == kPurposeSellerToken) return is_token(plaintext);
  if (purpose == kPurposeRawPayload) return is_json_text(plaintext);
  return is_text(plaintext);
}

}  // namespace blazed::crypto
