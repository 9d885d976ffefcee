// Owns OpenStream: backup object bytes in (any piece sizes), the dump out: checked against the
// object's size and SHA-256 from its manifest when known, authenticated chunk by chunk
// (crypto/chunked_stream.hpp), then decompressed. Synchronous; a worker thread or the offline
// `blazed backup decrypt` drives it.
#pragma once

#include "core/error.hpp"
#include "crypto/chunked_stream.hpp"
#include "crypto/keyring.hpp"
#include "jobs/backup/sha256_stream.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

typedef struct ZSTD_DCtx_s ZSTD_DCtx;

namespace blazed::jobs::backup {

// Receives decrypted, decompressed dump bytes; an error stops the stream.
using DumpSink = std::function<Status(std::span<const std::uint8_t>)>;

struct ExpectedObject {
  std::optional<std::uint64_t> size;
  std::optional<std::string> sha256;  // hex
};

class OpenStream {
 public:
  OpenStream(const crypto::Keyring& keyring, DumpSink sink, ExpectedObject expected = {});
  ~OpenStream();
  OpenStream(const OpenStream&) = delete;
  OpenStream& operator=(const OpenStream&) = delete;

  // The reader's codes (backup_truncated, backup_tampered, ...), backup_decompress, or the sink's.
  Status feed(std::span<const std::uint8_t> object_bytes);
  // The end of the object: backup_truncated (no final chunk, or the zstd frame unfinished),
  // backup_size_mismatch / backup_checksum_mismatch against the manifest.
  Status finish();

  [[nodiscard]] std::uint64_t object_bytes() const { return object_bytes_; }
  [[nodiscard]] std::uint64_t dump_bytes() const { return dump_bytes_; }
  [[nodiscard]] const crypto::BackupHeader* header() const { return reader_.header(); }

 private:
  struct FreeDctx {
    void operator()(ZSTD_DCtx* d) const;
  };
  Status fail(Error e);
  Status decompress(std::span<const std::uint8_t> in);

  crypto::ChunkedReader reader_;
  DumpSink sink_;
  ExpectedObject expected_;
  std::unique_ptr<ZSTD_DCtx, FreeDctx> zstd_;
  crypto::Bytes plain_;
  crypto::Bytes dbuf_;
  Sha256Stream sha_;
  std::uint64_t object_bytes_ = 0;
  std::uint64_t dump_bytes_ = 0;
  bool frame_done_ = true;  // no frame started yet counts as done only for an empty dump
  bool any_input_ = false;
  std::optional<Error> error_;
};

}  // namespace blazed::jobs::backup
