// Owns decryption of the legacy AES-256-CBC `hex(iv):hex(ciphertext)` rows.
#include "crypto/legacy_cbc.hpp"

#include "core/secret.hpp"
#include "crypto/cipher_context.hpp"
#include "crypto/errc.hpp"
#include "crypto/hex.hpp"
#include "crypto/open_failure.hpp"

#include <array>
#include <climits>
#include <string_view>

namespace blazed::crypto {
namespace {

constexpr std::size_t kBlock = 16;

std::string_view as_text(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace

bool is_legacy_cbc(std::span<const std::uint8_t> stored) noexcept {
  const std::string_view text = as_text(stored);
  constexpr std::size_t iv_hex = 2 * kCbcIvSize;
  if (text.size() < iv_hex + 3 || text[iv_hex] != ':') return false;
  const std::string_view ct = text.substr(iv_hex + 1);
  return ct.size() % 2 == 0 && is_hex(text.substr(0, iv_hex)) && is_hex(ct);
}

Result<std::string> open_legacy_cbc(const Key& key, std::span<const std::uint8_t> stored) {
  if (!is_legacy_cbc(stored)) return open_failure();
  const std::string_view text = as_text(stored);
  std::array<std::uint8_t, kCbcIvSize> iv{};
  (void)hex_decode_into(text.substr(0, 2 * kCbcIvSize), iv);
  auto ct = from_hex(text.substr(2 * kCbcIvSize + 1));
  if (!ct || ct->empty() || ct->size() % kBlock != 0 || ct->size() > static_cast<std::size_t>(INT_MAX) - kBlock)
    return open_failure();

  EVP_CIPHER_CTX* ctx = detail::thread_cipher_ctx();
  if (EVP_DecryptInit_ex2(ctx, detail::aes_256_cbc(), key.material().data(), iv.data(), nullptr) != 1)
    return make_error(errc::crypto_internal, "OpenSSL failed to initialise AES-256-CBC");
  std::string plain(ct->size(), '\0');
  auto* pout = reinterpret_cast<std::uint8_t*>(plain.data());
  int outl = 0;
  int finl = 0;
  const bool ok = EVP_DecryptUpdate(ctx, pout, &outl, ct->data(), static_cast<int>(ct->size())) == 1 &&
                  EVP_DecryptFinal_ex(ctx, pout + outl, &finl) == 1;
  // The legacy key's schedule does not stay in this thread's context after the call.
  EVP_CIPHER_CTX_reset(ctx);
  if (!ok) {
    // A bad padding answers exactly as a malformed value or a wrong GCM tag: no padding oracle.
    secure_wipe(plain.data(), plain.size());
    return open_failure();
  }
  // Drop the padding bytes; wipe them first since they sat next to plaintext.
  const auto len = static_cast<std::size_t>(outl + finl);
  secure_wipe(plain.data() + len, plain.size() - len);
  plain.resize(len);
  return plain;
}

}  // namespace blazed::crypto
