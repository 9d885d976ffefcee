// Owns OpenStream (see open_stream.hpp).
#include "jobs/backup/open_stream.hpp"
#include "jobs/backup/errc.hpp"
#include "crypto/errc.hpp"

#include <zstd.h>

namespace blazed::jobs::backup {

void OpenStream::FreeDctx::operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }

OpenStream::OpenStream(const crypto::Keyring& keyring, DumpSink sink, ExpectedObject expected)
    : reader_(keyring),
      sink_(std::move(sink)),
      expected_(std::move(expected)),
      zstd_(ZSTD_createDCtx()),
      dbuf_(ZSTD_DStreamOutSize()) {}
OpenStream::~OpenStream() = default;

Status OpenStream::fail(Error e) {
  if (!error_) error_ = std::move(e);
  return *error_;
}

Status OpenStream::decompress(std::span<const std::uint8_t> in) {
  if (!zstd_) return fail(make_error(blazed::jobs::backup::errc::backup_decompress, "zstd could not allocate a context"));
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  while (input.pos < input.size) {
    ZSTD_outBuffer output{dbuf_.data(), dbuf_.size(), 0};
    const std::size_t ret = ZSTD_decompressStream(zstd_.get(), &output, &input);
    if (ZSTD_isError(ret))
      return fail(make_error(blazed::jobs::backup::errc::backup_decompress, std::string("zstd: ") + ZSTD_getErrorName(ret)));
    frame_done_ = ret == 0;
    any_input_ = true;
    if (output.pos > 0) {
      dump_bytes_ += output.pos;
      if (auto st = sink_({dbuf_.data(), output.pos}); !st) return fail(st.error());
    }
  }
  return {};
}

Status OpenStream::feed(std::span<const std::uint8_t> object_bytes) {
  if (error_) return *error_;
  object_bytes_ += object_bytes.size();
  sha_.update(object_bytes);
  plain_.clear();
  if (auto st = reader_.feed(object_bytes, plain_); !st) return fail(st.error());
  return decompress(plain_);
}

Status OpenStream::finish() {
  if (error_) return *error_;
  if (auto st = reader_.finish(); !st) return fail(st.error());
  if (!frame_done_ || !any_input_)
    return fail(make_error(blazed::crypto::errc::backup_truncated, "the compressed dump ends inside its frame"));
  if (expected_.size && *expected_.size != object_bytes_)
    return fail(make_error(blazed::jobs::backup::errc::backup_size_mismatch, "the object's size differs from its manifest"));
  const std::string digest = sha_.finish_hex();
  if (expected_.sha256 && *expected_.sha256 != digest)
    return fail(make_error(blazed::jobs::backup::errc::backup_checksum_mismatch,
                           "the object's SHA-256 differs from its manifest"));
  return {};
}

}  // namespace blazed::jobs::backup
