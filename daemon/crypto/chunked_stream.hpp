// Owns the chunked backup format v1: a header naming the key that wraps a random per-backup data
// key, then fixed-size chunks sealed with AES-256-GCM, each bound to its index and a final-chunk
// flag, so that truncation, reordering and tampering are detected. Spec: docs/backups.md.
#pragma once

#include "core/error.hpp"
#include "crypto/hex.hpp"
#include "crypto/key_memory.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace blazed::crypto {

inline constexpr std::uint8_t kBackupMagic[4] = {0xBE, 0x5A, 0x42, 0x4B};  // "\xBE" "ZBK"
inline constexpr std::uint8_t kBackupVersion1 = 0x01;
inline constexpr std::size_t kBackupIdSize = 16;
inline constexpr std::uint32_t kDefaultChunkSize = 1024 * 1024;
inline constexpr std::uint32_t kMinChunkSize = 16;  // small sizes are for tests and vectors
inline constexpr std::uint32_t kMaxChunkSize = 64 * 1024 * 1024;
inline constexpr std::size_t kFrameHeaderSize = 5;  // flag (1), plaintext length (4)
inline constexpr std::uint8_t kFrameMore = 0x00;
inline constexpr std::uint8_t kFrameFinal = 0x01;

// Where data keys and backup ids come from: the CSPRNG in production, fixed bytes in tests.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual Status fill(std::span<std::uint8_t> out) = 0;
};
// OpenSSL's RAND_priv_bytes (the generator OpenSSL keeps for secrets).
RandomSource& random_bytes();

// What the header says, readable without any key.
struct BackupHeader {
  std::uint32_t chunk_size = 0;
  std::array<std::uint8_t, kBackupIdSize> backup_id{};
  std::string key_id;
  std::size_t size = 0;  // the header's length in bytes
};

// Parses a header from the start of `bytes`:
//   backup_truncated            fewer bytes than a header
//   backup_malformed            bad magic, chunk size or key id
//   backup_unsupported_version  a version this build does not read
Result<BackupHeader> parse_backup_header(std::span<const std::uint8_t> bytes);

// Owned AES-256-GCM state for one data key; freed (and cleansed by OpenSSL) with the stream.
class DataKeyCipher;

// Encrypts one backup. Push plaintext in with write(); each call appends whole frames to `out`
// (the header first), so memory stays at one chunk. finish() appends the final chunk; a stream
// without it is reported as truncated by the reader.
class ChunkedWriter {
 public:
  // Draws a data key and a backup id from `random`, wraps the data key under `kek` with a nonce
  // from `nonces`. crypto_random / crypto_internal / backup_bad_chunk_size.
  static Result<ChunkedWriter> create(const Key& kek, NonceSource& nonces, RandomSource& random,
                                      std::uint32_t chunk_size = kDefaultChunkSize);
  ~ChunkedWriter();
  ChunkedWriter(ChunkedWriter&&) noexcept;
  ChunkedWriter& operator=(ChunkedWriter&&) noexcept;

  Status write(std::span<const std::uint8_t> plaintext, Bytes& out);
  Status finish(Bytes& out);

  [[nodiscard]] const BackupHeader& header() const noexcept { return header_; }
  [[nodiscard]] std::uint64_t chunks_written() const noexcept { return index_; }

 private:
  ChunkedWriter() = default;
  Status seal_chunk(std::span<const std::uint8_t> plain, bool final, Bytes& out);

  BackupHeader header_;
  Bytes header_bytes_;  // written before the first frame
  bool header_written_ = false;
  bool finished_ = false;
  std::array<std::uint8_t, 32> digest_{};
  std::unique_ptr<DataKeyCipher> cipher_;
  Bytes pending_;  // < chunk_size bytes of plaintext not yet sealed
  std::uint64_t index_ = 0;
};

// Decrypts one backup fed in arbitrary pieces. Only authenticated plaintext ever reaches `out`;
// after the first error every call returns that error. Errors:
//   backup_malformed, backup_unsupported_version   (header or frame layout)
//   backup_unknown_key   the header names a key the keyring does not have
//   backup_wrong_key     that key does not unwrap the data key (other bytes under that id, or
//                        an altered header)
//   backup_tampered      a chunk fails authentication
//   backup_reordered     a chunk authenticates, but at another position
//   backup_truncated     the stream ends inside the header or a chunk, or without a final chunk
//   backup_trailing_data bytes after the final chunk
class ChunkedReader {
 public:
  explicit ChunkedReader(const Keyring& keyring);
  ~ChunkedReader();
  ChunkedReader(ChunkedReader&&) noexcept;
  ChunkedReader& operator=(ChunkedReader&&) noexcept;

  Status feed(std::span<const std::uint8_t> ciphertext, Bytes& out);
  // The end of the input: backup_truncated unless the final chunk was read.
  Status finish();

  // Set once the header has been read.
  [[nodiscard]] const BackupHeader* header() const noexcept { return header_ ? &*header_ : nullptr; }
  [[nodiscard]] bool complete() const noexcept { return final_seen_; }

 private:
  Status fail(Error e);
  Status read_header();
  Status read_frame(Bytes& out, bool& progressed);

  const Keyring* keyring_;
  std::optional<BackupHeader> header_;
  std::array<std::uint8_t, 32> digest_{};
  std::unique_ptr<DataKeyCipher> cipher_;
  Bytes buffer_;  // unconsumed input: at most a header or one frame
  std::size_t consumed_ = 0;
  std::uint64_t index_ = 0;
  bool final_seen_ = false;
  std::optional<Error> error_;
};

// Whole-buffer helpers (tests, small tools).
Result<Bytes> seal_backup(const Key& kek, NonceSource& nonces, RandomSource& random,
                          std::span<const std::uint8_t> plaintext,
                          std::uint32_t chunk_size = kDefaultChunkSize);
Result<Bytes> open_backup(const Keyring& keyring, std::span<const std::uint8_t> backup);

}  // namespace blazed::crypto
