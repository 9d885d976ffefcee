// Owns what a legacy CBC value must decrypt to, per purpose. CBC has no tag: a value altered by
// someone who can write the database decrypts with a valid padding now and then, to garbage. The
// check turns that garbage into the same failure as a bad padding, so the two cannot be told apart.
#pragma once

#include <string_view>

namespace blazed::crypto {

// seller_token: an LWA refresh token, 16-4096 printable ASCII characters without spaces (what
// sellers.connect accepts). raw_payload: a JSON object or array as UTF-8 text. Any other
// purpose: UTF-8 text. Text means no control characters besides tab, newline and carriage return.
// What stays open: the IV is not authenticated, so bytes of the first block can still be flipped
// and the answer says whether the result is still plausible; the other blocks cannot be probed.
bool plausible_legacy_plaintext(std::string_view purpose, std::string_view plaintext) noexcept;

}  // namespace blazed::crypto
