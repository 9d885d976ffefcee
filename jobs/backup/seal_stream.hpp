// Owns SealStream: a dump's bytes in, backup object bytes out (zstd, then the chunked AES-256-GCM
// format of crypto/chunked_stream.hpp), counting sizes and hashing the object as it goes.
// Synchronous and single-threaded: the backup's worker thread drives it.
#pragma once

#include "core/error.hpp"
#include "crypto/chunked_stream.hpp"
#include "jobs/backup/sha256_stream.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>

typedef struct ZSTD_CCtx_s ZSTD_CCtx;

namespace blazed::jobs::backup {

struct SealedSizes {
  std::uint64_t dump_bytes = 0;        // what pg_dump wrote
  std::uint64_t compressed_bytes = 0;  // after zstd
  std::uint64_t object_bytes = 0;      // the object: header, frames, tags
  std::string object_sha256;           // hex, set by finish()
};

class SealStream {
 public:
  // backup_compress (zstd refused the level) or the writer's errors.
  static Result<SealStream> create(const crypto::Key& kek, crypto::NonceSource& nonces,
                                   crypto::RandomSource& random, int zstd_level,
                                   std::uint32_t chunk_size = crypto::kDefaultChunkSize);
  ~SealStream();
  SealStream(SealStream&&) noexcept;
  SealStream& operator=(SealStream&&) noexcept;

  // Appends object bytes to `out` (possibly none).
  Status write(std::span<const std::uint8_t> dump, crypto::Bytes& out);
  // Flushes zstd and writes the final chunk.
  Status finish(crypto::Bytes& out);

  [[nodiscard]] const SealedSizes& sizes() const { return sizes_; }
  [[nodiscard]] const crypto::BackupHeader& header() const { return writer_.header(); }

 private:
  struct FreeCctx {
    void operator()(ZSTD_CCtx* c) const;
  };
  SealStream(crypto::ChunkedWriter writer, std::unique_ptr<ZSTD_CCtx, FreeCctx> zstd);
  Status compress(std::span<const std::uint8_t> in, bool end, crypto::Bytes& out);

  crypto::ChunkedWriter writer_;
  std::unique_ptr<ZSTD_CCtx, FreeCctx> zstd_;
  crypto::Bytes zbuf_;
  Sha256Stream sha_;
  SealedSizes sizes_;
};

}  // namespace blazed::jobs::backup
