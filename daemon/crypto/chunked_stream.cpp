// Owns writing and reading the chunked backup format v1 (AES-256-GCM chunks under a wrapped
// per-backup data key).
#include "crypto/chunked_stream.hpp"

#include "core/secret.hpp"
#include "crypto/cipher_context.hpp"
#include "crypto/digest.hpp"
#include "crypto/envelope.hpp"
#include "crypto/errc.hpp"
#include "crypto/key_file.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>

namespace blazed::crypto {
namespace {

constexpr std::size_t kFixedHeader = 26;  // magic 4, version 1, chunk size 4, backup id 16, L 1
constexpr std::size_t kWrappedKeySize = kKeySize + kTagSize;
// How far from its position a failed chunk is tried at other indices to tell reordering from
// tampering (failure path only; each try is one chunk's GCM pass).
constexpr std::uint64_t kReorderWindow = 256;

void put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<std::uint8_t>(v & 0xFF);
}
void put_u64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<std::uint8_t>(v & 0xFF);
}
std::uint32_t get_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

Error internal(std::string_view what) {
  return make_error(errc::crypto_internal, std::string("OpenSSL failed to ") + std::string(what));
}

class PrivRandom final : public RandomSource {
 public:
  Status fill(std::span<std::uint8_t> out) override {
    if (RAND_priv_bytes(out.data(), static_cast<int>(out.size())) != 1)
      return make_error(errc::crypto_random, "the CSPRNG failed");
    return {};
  }
};

// Chunk nonce: four zero bytes and the chunk index (big-endian). Unique because every backup
// has its own random data key and every index is used once under it.
std::array<std::uint8_t, kNonceSize> chunk_nonce(std::uint64_t index) {
  std::array<std::uint8_t, kNonceSize> n{};
  put_u64(n.data() + 4, index);
  return n;
}

// AD of a chunk: header digest, index, flag and plaintext length.
std::array<std::uint8_t, 45> chunk_ad(const std::array<std::uint8_t, 32>& digest, std::uint64_t index,
                                      std::uint8_t flag, std::uint32_t len) {
  std::array<std::uint8_t, 45> ad{};
  std::copy(digest.begin(), digest.end(), ad.begin());
  put_u64(ad.data() + 32, index);
  ad[40] = flag;
  put_u32(ad.data() + 41, len);
  return ad;
}

}  // namespace

// The data key's own GCM context (never in the shared per-thread cache, so the key schedule
// goes away with the stream), the key itself on a locked page.
class DataKeyCipher {
 public:
  DataKeyCipher() : ctx_(EVP_CIPHER_CTX_new()) {
    if (ctx_ == nullptr) throw std::bad_alloc();
  }
  ~DataKeyCipher() { EVP_CIPHER_CTX_free(ctx_); }
  DataKeyCipher(const DataKeyCipher&) = delete;
  DataKeyCipher& operator=(const DataKeyCipher&) = delete;

  KeyMemory& key() { return key_; }

  Status init(bool encrypt) {
    if (EVP_CipherInit_ex2(ctx_, detail::aes_256_gcm(), key_.bytes().data(), nullptr,
                           encrypt ? 1 : 0, nullptr) != 1)
      return internal("initialise AES-256-GCM");
    return {};
  }

  // Seals `plain` into `ct` (same length) and `tag`.
  Status seal(std::uint64_t index, std::span<const std::uint8_t> ad,
              std::span<const std::uint8_t> plain, std::uint8_t* ct, std::uint8_t* tag) {
    const auto nonce = chunk_nonce(index);
    int outl = 0;
    int finl = 0;
    if (EVP_CipherInit_ex2(ctx_, nullptr, nullptr, nonce.data(), 1, nullptr) != 1 ||
        EVP_EncryptUpdate(ctx_, nullptr, &outl, ad.data(), static_cast<int>(ad.size())) != 1 ||
        EVP_EncryptUpdate(ctx_, ct, &outl, plain.data(), static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx_, ct + outl, &finl) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagSize), tag) != 1)
      return internal("encrypt a chunk");
    return {};
  }

  // Opens into `plain` (same length as `ct`); false when authentication fails (plain wiped).
  bool open(std::uint64_t index, std::span<const std::uint8_t> ad, std::span<const std::uint8_t> ct,
            const std::uint8_t* tag, std::uint8_t* plain) {
    const auto nonce = chunk_nonce(index);
    int outl = 0;
    int finl = 0;
    const bool ok =
        EVP_CipherInit_ex2(ctx_, nullptr, nullptr, nonce.data(), 0, nullptr) == 1 &&
        EVP_DecryptUpdate(ctx_, nullptr, &outl, ad.data(), static_cast<int>(ad.size())) == 1 &&
        EVP_DecryptUpdate(ctx_, plain, &outl, ct.data(), static_cast<int>(ct.size())) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagSize),
                            const_cast<std::uint8_t*>(tag)) == 1 &&
        EVP_DecryptFinal_ex(ctx_, plain + outl, &finl) == 1;
    if (!ok) secure_wipe(plain, ct.size());
    return ok;
  }

 private:
  EVP_CIPHER_CTX* ctx_;
  KeyMemory key_;
};

RandomSource& random_bytes() {
  static PrivRandom source;
  return source;
}

Result<BackupHeader> parse_backup_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() >= 4 && !std::equal(bytes.begin(), bytes.begin() + 4, std::begin(kBackupMagic)))
    return make_error(errc::backup_malformed, "not a blazed backup (bad magic)");
  if (bytes.size() < kFixedHeader) return make_error(errc::backup_truncated, "backup ends inside its header");
  if (bytes[4] != kBackupVersion1)
    return make_error(errc::backup_unsupported_version,
                      "backup format version " + std::to_string(bytes[4]) + " is not supported");
  BackupHeader h;
  h.chunk_size = get_u32(bytes.data() + 5);
  if (h.chunk_size < kMinChunkSize || h.chunk_size > kMaxChunkSize)
    return make_error(errc::backup_malformed, "chunk size " + std::to_string(h.chunk_size) + " is out of range");
  std::copy(bytes.begin() + 9, bytes.begin() + 25, h.backup_id.begin());
  const std::size_t id_len = bytes[25];
  if (id_len == 0 || id_len > 64) return make_error(errc::backup_malformed, "bad key id length");
  h.size = kFixedHeader + id_len + kNonceSize + kWrappedKeySize;
  if (bytes.size() < kFixedHeader + id_len)
    return make_error(errc::backup_truncated, "backup ends inside its header");
  h.key_id.assign(reinterpret_cast<const char*>(bytes.data() + kFixedHeader), id_len);
  if (!valid_key_id(h.key_id)) return make_error(errc::backup_malformed, "bad key id in the header");
  if (bytes.size() < h.size) return make_error(errc::backup_truncated, "backup ends inside its header");
  return h;
}

// ---- writer ----

ChunkedWriter::~ChunkedWriter() {
  if (!pending_.empty()) secure_wipe(pending_.data(), pending_.size());
}
ChunkedWriter::ChunkedWriter(ChunkedWriter&&) noexcept = default;
ChunkedWriter& ChunkedWriter::operator=(ChunkedWriter&&) noexcept = default;

Result<ChunkedWriter> ChunkedWriter::create(const Key& kek, NonceSource& nonces,
                                            RandomSource& random, std::uint32_t chunk_size) {
  if (chunk_size < kMinChunkSize || chunk_size > kMaxChunkSize)
    return make_error(errc::backup_bad_chunk_size, "chunk size must be between " +
                                                   std::to_string(kMinChunkSize) + " and " +
                                                   std::to_string(kMaxChunkSize) + " bytes");
  ChunkedWriter w;
  w.cipher_ = std::make_unique<DataKeyCipher>();
  if (auto st = random.fill(w.cipher_->key().bytes()); !st) return st.error();
  if (auto st = random.fill(w.header_.backup_id); !st) return st.error();
  w.header_.chunk_size = chunk_size;
  w.header_.key_id = kek.id();

  const std::size_t id_len = kek.id().size();
  Bytes& h = w.header_bytes_;
  h.resize(kFixedHeader + id_len + kNonceSize + kWrappedKeySize);
  std::copy(std::begin(kBackupMagic), std::end(kBackupMagic), h.begin());
  h[4] = kBackupVersion1;
  put_u32(h.data() + 5, chunk_size);
  std::copy(w.header_.backup_id.begin(), w.header_.backup_id.end(), h.begin() + 9);
  h[25] = static_cast<std::uint8_t>(id_len);
  std::copy(kek.id().begin(), kek.id().end(), h.begin() + kFixedHeader);
  std::uint8_t* nonce = h.data() + kFixedHeader + id_len;
  if (auto st = nonces.fill(std::span<std::uint8_t, kNonceSize>(nonce, kNonceSize)); !st)
    return st.error();

  // Wrap: AES-256-GCM under the key-encryption key, the header up to the key id as AD.
  const detail::GcmLease lease = detail::gcm_ctx(kek, true, nonce);
  EVP_CIPHER_CTX* ctx = lease.get();
  if (ctx == nullptr) return internal("initialise AES-256-GCM");
  std::uint8_t* wrapped = nonce + kNonceSize;
  int outl = 0;
  int finl = 0;
  const auto dk = w.cipher_->key().bytes();
  if (EVP_EncryptUpdate(ctx, nullptr, &outl, h.data(), static_cast<int>(kFixedHeader + id_len)) != 1 ||
      EVP_EncryptUpdate(ctx, wrapped, &outl, dk.data(), static_cast<int>(dk.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx, wrapped + outl, &finl) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagSize), wrapped + kKeySize) != 1)
    return internal("wrap the data key");
  w.header_.size = h.size();
  w.digest_ = sha256(h);
  if (auto st = w.cipher_->init(true); !st) return st.error();
  w.pending_.reserve(chunk_size);
  return w;
}

Status ChunkedWriter::seal_chunk(std::span<const std::uint8_t> plain, bool final, Bytes& out) {
  const std::uint8_t flag = final ? kFrameFinal : kFrameMore;
  const auto len = static_cast<std::uint32_t>(plain.size());
  const std::size_t at = out.size();
  out.resize(at + kFrameHeaderSize + plain.size() + kTagSize);
  out[at] = flag;
  put_u32(out.data() + at + 1, len);
  const auto ad = chunk_ad(digest_, index_, flag, len);
  std::uint8_t* ct = out.data() + at + kFrameHeaderSize;
  if (auto st = cipher_->seal(index_, ad, plain, ct, ct + plain.size()); !st) {
    out.resize(at);
    return st;
  }
  ++index_;
  return {};
}

Status ChunkedWriter::write(std::span<const std::uint8_t> plaintext, Bytes& out) {
  if (finished_) return make_error(errc::backup_finished, "write after finish");
  if (!header_written_) {
    out.insert(out.end(), header_bytes_.begin(), header_bytes_.end());
    header_written_ = true;
  }
  const std::size_t cs = header_.chunk_size;
  while (!plaintext.empty()) {
    if (pending_.empty() && plaintext.size() >= cs) {
      // A whole chunk straight from the caller's buffer: no copy.
      if (auto st = seal_chunk(plaintext.first(cs), false, out); !st) return st;
      plaintext = plaintext.subspan(cs);
      continue;
    }
    const std::size_t take = std::min(cs - pending_.size(), plaintext.size());
    pending_.insert(pending_.end(), plaintext.begin(), plaintext.begin() + static_cast<std::ptrdiff_t>(take));
    plaintext = plaintext.subspan(take);
    if (pending_.size() == cs) {
      if (auto st = seal_chunk(pending_, false, out); !st) return st;
      secure_wipe(pending_.data(), pending_.size());
      pending_.clear();
    }
  }
  return {};
}

Status ChunkedWriter::finish(Bytes& out) {
  if (finished_) return make_error(errc::backup_finished, "finish called twice");
  if (auto st = write({}, out); !st) return st;
  if (auto st = seal_chunk(pending_, true, out); !st) return st;
  secure_wipe(pending_.data(), pending_.size());
  pending_.clear();
  finished_ = true;
  return {};
}

// ---- reader ----

ChunkedReader::ChunkedReader(const Keyring& keyring) : keyring_(&keyring) {}
ChunkedReader::~ChunkedReader() = default;
ChunkedReader::ChunkedReader(ChunkedReader&&) noexcept = default;
ChunkedReader& ChunkedReader::operator=(ChunkedReader&&) noexcept = default;

Status ChunkedReader::fail(Error e) {
  error_ = e;
  buffer_.clear();
  consumed_ = 0;
  return e;
}

Status ChunkedReader::read_header() {
  const std::span<const std::uint8_t> avail(buffer_.data() + consumed_, buffer_.size() - consumed_);
  auto parsed = parse_backup_header(avail);
  if (!parsed) {
    if (parsed.error().code == errc::backup_truncated) return {};  // wait for more bytes
    return fail(parsed.error());
  }
  const Key* kek = keyring_->find(parsed->key_id);
  if (kek == nullptr)
    return fail(make_error(errc::backup_unknown_key, "backup sealed under key '" + parsed->key_id +
                                                     "', which is not in the keyring"));
  const std::size_t id_len = parsed->key_id.size();
  const std::uint8_t* nonce = avail.data() + kFixedHeader + id_len;
  const std::uint8_t* wrapped = nonce + kNonceSize;
  const detail::GcmLease lease = detail::gcm_ctx(*kek, false, nonce);
  EVP_CIPHER_CTX* ctx = lease.get();
  if (ctx == nullptr) return fail(internal("initialise AES-256-GCM"));
  auto cipher = std::make_unique<DataKeyCipher>();
  auto dk = cipher->key().bytes();
  int outl = 0;
  int finl = 0;
  const bool ok =
      EVP_DecryptUpdate(ctx, nullptr, &outl, avail.data(), static_cast<int>(kFixedHeader + id_len)) == 1 &&
      EVP_DecryptUpdate(ctx, dk.data(), &outl, wrapped, static_cast<int>(kKeySize)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagSize),
                          const_cast<std::uint8_t*>(wrapped + kKeySize)) == 1 &&
      EVP_DecryptFinal_ex(ctx, dk.data() + outl, &finl) == 1;
  if (!ok) {
    secure_wipe(dk.data(), dk.size());
    return fail(make_error(errc::backup_wrong_key,
                           "key '" + parsed->key_id +
                               "' does not open this backup's data key (other key bytes under "
                               "that id, or an altered header)"));
  }
  if (auto st = cipher->init(false); !st) return fail(st.error());
  cipher_ = std::move(cipher);
  digest_ = sha256(avail.first(parsed->size));
  consumed_ += parsed->size;
  header_ = std::move(*parsed);
  return {};
}

Status ChunkedReader::read_frame(Bytes& out, bool& progressed) {
  progressed = false;
  const std::size_t avail = buffer_.size() - consumed_;
  if (avail == 0) return {};
  const std::uint8_t* p = buffer_.data() + consumed_;
  if (final_seen_)
    return fail(make_error(errc::backup_trailing_data, "bytes follow the final chunk"));
  if (avail < kFrameHeaderSize) return {};
  const std::uint8_t flag = p[0];
  const std::uint32_t len = get_u32(p + 1);
  const std::string where = "chunk " + std::to_string(index_);
  if (flag != kFrameMore && flag != kFrameFinal)
    return fail(make_error(errc::backup_malformed, where + ": unknown flag byte"));
  if (len > header_->chunk_size || (flag == kFrameMore && len != header_->chunk_size))
    return fail(make_error(errc::backup_malformed, where + ": bad chunk length"));
  if (avail < kFrameHeaderSize + len + kTagSize) return {};

  const std::span<const std::uint8_t> ct(p + kFrameHeaderSize, len);
  const std::uint8_t* tag = ct.data() + len;
  const std::size_t at = out.size();
  out.resize(at + len);
  const auto ad = chunk_ad(digest_, index_, flag, len);
  if (!cipher_->open(index_, ad, ct, tag, out.data() + at)) {
    out.resize(at);
    // Tell a chunk moved from elsewhere in this backup from an altered one.
    Bytes scratch(len);
    const std::uint64_t lo = index_ > kReorderWindow ? index_ - kReorderWindow : 0;
    for (std::uint64_t j = lo; j <= index_ + kReorderWindow; ++j) {
      if (j == index_) continue;
      if (cipher_->open(j, chunk_ad(digest_, j, flag, len), ct, tag, scratch.data())) {
        secure_wipe(scratch.data(), scratch.size());
        return fail(make_error(errc::backup_reordered, "chunk at position " + std::to_string(index_) +
                                                       " belongs at position " + std::to_string(j)));
      }
    }
    return fail(make_error(errc::backup_tampered, where + " failed authentication (altered bytes, "
                                                      "or a chunk of another backup)"));
  }
  consumed_ += kFrameHeaderSize + len + kTagSize;
  ++index_;
  if (flag == kFrameFinal) final_seen_ = true;
  progressed = true;
  return {};
}

Status ChunkedReader::feed(std::span<const std::uint8_t> ciphertext, Bytes& out) {
  if (error_) return *error_;
  // Compact what was consumed, then buffer the new bytes (at most one frame stays buffered).
  if (consumed_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  buffer_.insert(buffer_.end(), ciphertext.begin(), ciphertext.end());
  if (!header_) {
    if (auto st = read_header(); !st) return st;
    if (!header_) return {};
  }
  for (bool progressed = true; progressed;)
    if (auto st = read_frame(out, progressed); !st) return st;
  return {};
}

Status ChunkedReader::finish() {
  if (error_) return *error_;
  if (!header_) return fail(make_error(errc::backup_truncated, "backup ends inside its header"));
  if (buffer_.size() > consumed_)
    return fail(make_error(errc::backup_truncated, "backup ends inside chunk " + std::to_string(index_)));
  if (!final_seen_)
    return fail(make_error(errc::backup_truncated, "backup ends after chunk " + std::to_string(index_) +
                                                   " without its final chunk"));
  return {};
}

Result<Bytes> seal_backup(const Key& kek, NonceSource& nonces, RandomSource& random,
                          std::span<const std::uint8_t> plaintext, std::uint32_t chunk_size) {
  auto w = ChunkedWriter::create(kek, nonces, random, chunk_size);
  if (!w) return w.error();
  Bytes out;
  if (auto st = w->write(plaintext, out); !st) return st.error();
  if (auto st = w->finish(out); !st) return st.error();
  return out;
}

Result<Bytes> open_backup(const Keyring& keyring, std::span<const std::uint8_t> backup) {
  ChunkedReader r(keyring);
  Bytes out;
  if (auto st = r.feed(backup, out); !st) {
    secure_wipe(out.data(), out.size());
    return st.error();
  }
  if (auto st = r.finish(); !st) {
    secure_wipe(out.data(), out.size());
    return st.error();
  }
  return out;
}

}  // namespace blazed::crypto
