// Owns sealing and opening of the AES-256-GCM envelope v1.
#include "crypto/envelope.hpp"

#include "core/secret.hpp"
#include "crypto/cipher_context.hpp"
#include "crypto/errc.hpp"
#include "crypto/open_failure.hpp"

#include <array>
#include <climits>
#include <vector>

namespace blazed::crypto {
namespace {

constexpr std::size_t kFixedHeader = 4;  // magic (2), version (1), key id length (1)
constexpr std::size_t kMaxField = 0xFFFF;

Status check_aad(const Aad& aad) {
  for (std::string_view f : {aad.purpose, aad.table, aad.row_id})
    if (f.empty() || f.size() > kMaxField)
      return make_error(errc::crypto_bad_aad, "purpose, table and row id must each be 1-65535 bytes");
  return {};
}

// The AAD: the header, then each field as a 2-byte big-endian length and its bytes, so that no
// two different (purpose, table, row id) triples give the same byte string. Built into one
// buffer because GCM absorbs one AAD update much faster than seven.
class AadBytes {
 public:
  AadBytes(std::span<const std::uint8_t> header, const Aad& aad) {
    const std::size_t total =
        header.size() + 6 + aad.purpose.size() + aad.table.size() + aad.row_id.size();
    data_ = total <= inline_.size() ? inline_.data() : (heap_.resize(total), heap_.data());
    size_ = 0;
    append(header.data(), header.size());
    for (std::string_view f : {aad.purpose, aad.table, aad.row_id}) {
      const std::array<std::uint8_t, 2> len{static_cast<std::uint8_t>(f.size() >> 8),
                                            static_cast<std::uint8_t>(f.size() & 0xFF)};
      append(len.data(), len.size());
      append(reinterpret_cast<const std::uint8_t*>(f.data()), f.size());
    }
  }
  AadBytes(const AadBytes&) = delete;
  AadBytes& operator=(const AadBytes&) = delete;
  [[nodiscard]] const std::uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] int size() const noexcept { return static_cast<int>(size_); }

 private:
  void append(const std::uint8_t* p, std::size_t n) noexcept {
    std::copy(p, p + n, data_ + size_);
    size_ += n;
  }
  std::array<std::uint8_t, 512> inline_{};
  std::vector<std::uint8_t> heap_;
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

Error internal(std::string_view what) {
  return make_error(errc::crypto_internal, std::string("OpenSSL failed to ") + std::string(what));
}

}  // namespace

bool is_envelope(std::span<const std::uint8_t> stored) noexcept {
  return stored.size() >= 2 && stored[0] == kEnvelopeMagic0 && stored[1] == kEnvelopeMagic1;
}

Result<EnvelopeHeader> parse_envelope_header(std::span<const std::uint8_t> stored) {
  if (!is_envelope(stored)) return make_error(errc::crypto_malformed, "not an envelope (bad magic)");
  if (stored.size() < kFixedHeader)
    return make_error(errc::crypto_malformed, "envelope truncated inside its header");
  if (stored[2] != kEnvelopeVersion1)
    return make_error(errc::crypto_unsupported_version,
                      "envelope version " + std::to_string(stored[2]) + " is not supported");
  const std::size_t id_len = stored[3];
  const std::size_t header_size = kFixedHeader + id_len;
  if (id_len == 0 || id_len > 64)
    return make_error(errc::crypto_malformed, "envelope key id length " + std::to_string(id_len) + " is invalid");
  if (stored.size() < header_size + kNonceSize + kTagSize)
    return make_error(errc::crypto_malformed,
                      "envelope truncated: " + std::to_string(stored.size()) + " bytes, at least " +
                          std::to_string(header_size + kNonceSize + kTagSize) + " expected");
  const std::string_view key_id(reinterpret_cast<const char*>(stored.data() + kFixedHeader), id_len);
  if (!valid_key_id(key_id)) return make_error(errc::crypto_malformed, "envelope key id is invalid");
  return EnvelopeHeader{key_id, header_size};
}

Result<Bytes> seal(const Key& key, NonceSource& nonces, const Aad& aad,
                   std::span<const std::uint8_t> plaintext) {
  if (auto st = check_aad(aad); !st) return st.error();
  if (plaintext.size() > static_cast<std::size_t>(INT_MAX) - 64)
    return make_error(errc::crypto_too_large, "plaintext too large for one envelope");
  const std::string& id = key.id();
  const std::size_t header_size = kFixedHeader + id.size();
  Bytes out(header_size + kNonceSize + plaintext.size() + kTagSize);
  out[0] = kEnvelopeMagic0;
  out[1] = kEnvelopeMagic1;
  out[2] = kEnvelopeVersion1;
  out[3] = static_cast<std::uint8_t>(id.size());
  std::copy(id.begin(), id.end(), out.begin() + kFixedHeader);
  std::span<std::uint8_t, kNonceSize> nonce(out.data() + header_size, kNonceSize);
  if (auto st = nonces.fill(nonce); !st) return st.error();

  const detail::GcmLease lease = detail::gcm_ctx(key, true, nonce.data());
  EVP_CIPHER_CTX* ctx = lease.get();
  if (ctx == nullptr) return internal("initialise AES-256-GCM");
  std::uint8_t* ct = out.data() + header_size + kNonceSize;
  int outl = 0;
  int finl = 0;
  const AadBytes aad_bytes(std::span(out.data(), header_size), aad);
  if (EVP_EncryptUpdate(ctx, nullptr, &outl, aad_bytes.data(), aad_bytes.size()) != 1)
    return internal("add AAD");
  if (EVP_EncryptUpdate(ctx, ct, &outl, plaintext.data(), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx, ct + outl, &finl) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagSize),
                          ct + plaintext.size()) != 1)
    return internal("encrypt");
  return out;
}

Result<Bytes> seal(const Keyring& keyring, NonceSource& nonces, const Aad& aad,
                   std::string_view plaintext) {
  return seal(keyring.active(), nonces, aad,
              std::span(reinterpret_cast<const std::uint8_t*>(plaintext.data()), plaintext.size()));
}

Result<std::string> open_envelope(const Keyring& keyring, const Aad& aad,
                                  std::span<const std::uint8_t> stored) {
  if (auto st = check_aad(aad); !st) return st.error();
  auto parsed = parse_envelope_header(stored);
  if (!parsed) return open_failure();
  const EnvelopeHeader header = *parsed;
  const Key* key = keyring.find(header.key_id);
  if (key == nullptr)
    return make_error(errc::crypto_unknown_key,
                      "envelope sealed under key '" + std::string(header.key_id) +
                          "', which is not in the keyring");
  const std::size_t hs = header.header_size;
  const std::uint8_t* nonce = stored.data() + hs;
  const std::uint8_t* ct = nonce + kNonceSize;
  const std::size_t ct_len = stored.size() - hs - kNonceSize - kTagSize;
  if (ct_len > static_cast<std::size_t>(INT_MAX)) return open_failure();

  const detail::GcmLease lease = detail::gcm_ctx(*key, false, nonce);
  EVP_CIPHER_CTX* ctx = lease.get();
  if (ctx == nullptr) return internal("initialise AES-256-GCM");
  int outl = 0;
  int finl = 0;
  const AadBytes aad_bytes(stored.first(hs), aad);
  if (EVP_DecryptUpdate(ctx, nullptr, &outl, aad_bytes.data(), aad_bytes.size()) != 1)
    return internal("add AAD");
  std::string plain(ct_len, '\0');
  // GCM decrypts before it can authenticate: the output is wiped unless the tag checks out.
  auto* pout = reinterpret_cast<std::uint8_t*>(plain.data());
  const bool ok =
      EVP_DecryptUpdate(ctx, pout, &outl, ct, static_cast<int>(ct_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagSize),
                          const_cast<std::uint8_t*>(ct + ct_len)) == 1 &&
      EVP_DecryptFinal_ex(ctx, pout + outl, &finl) == 1;
  if (!ok) {
    secure_wipe(plain.data(), plain.size());
    return open_failure();
  }
  return plain;
}

}  // namespace blazed::crypto
