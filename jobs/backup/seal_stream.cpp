// Owns SealStream (see seal_stream.hpp): ZSTD_compressStream2 into a scratch buffer, the
// scratch buffer into the chunked writer, the writer's output into the hash.
#include "jobs/backup/seal_stream.hpp"
#include "jobs/backup/errc.hpp"

#include <zstd.h>

namespace blazed::jobs::backup {

void SealStream::FreeCctx::operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }

Result<SealStream> SealStream::create(const crypto::Key& kek, crypto::NonceSource& nonces,
                                      crypto::RandomSource& random, int zstd_level,
                                      std::uint32_t chunk_size) {
  auto writer = crypto::ChunkedWriter::create(kek, nonces, random, chunk_size);
  if (!writer) return writer.error();
  std::unique_ptr<ZSTD_CCtx, FreeCctx> zstd(ZSTD_createCCtx());
  if (!zstd) return make_error(blazed::jobs::backup::errc::backup_compress, "zstd could not allocate a context");
  if (ZSTD_isError(ZSTD_CCtx_setParameter(zstd.get(), ZSTD_c_compressionLevel, zstd_level)) ||
      ZSTD_isError(ZSTD_CCtx_setParameter(zstd.get(), ZSTD_c_checksumFlag, 1)))
    return make_error(blazed::jobs::backup::errc::backup_compress, "zstd refused the compression level");
  return SealStream(std::move(*writer), std::move(zstd));
}

SealStream::SealStream(crypto::ChunkedWriter writer, std::unique_ptr<ZSTD_CCtx, FreeCctx> zstd)
    : writer_(std::move(writer)), zstd_(std::move(zstd)), zbuf_(ZSTD_CStreamOutSize()) {}
SealStream::~SealStream() = default;
SealStream::SealStream(SealStream&&) noexcept = default;
SealStream& SealStream::operator=(SealStream&&) noexcept = default;

Status SealStream::compress(std::span<const std::uint8_t> in, bool end, crypto::Bytes& out) {
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  const ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
  while (true) {
    ZSTD_outBuffer output{zbuf_.data(), zbuf_.size(), 0};
    const std::size_t left = ZSTD_compressStream2(zstd_.get(), &output, &input, mode);
    if (ZSTD_isError(left))
      return make_error(blazed::jobs::backup::errc::backup_compress, std::string("zstd: ") + ZSTD_getErrorName(left));
    if (output.pos > 0) {
      sizes_.compressed_bytes += output.pos;
      const std::size_t before = out.size();
      if (auto st = writer_.write({zbuf_.data(), output.pos}, out); !st) return st;
      sha_.update({out.data() + before, out.size() - before});
      sizes_.object_bytes += out.size() - before;
    }
    const bool drained = end ? left == 0 : input.pos == input.size;
    if (drained) return {};
  }
}

Status SealStream::write(std::span<const std::uint8_t> dump, crypto::Bytes& out) {
  sizes_.dump_bytes += dump.size();
  return compress(dump, false, out);
}

Status SealStream::finish(crypto::Bytes& out) {
  if (auto st = compress({}, true, out); !st) return st;
  const std::size_t before = out.size();
  if (auto st = writer_.finish(out); !st) return st;
  sha_.update({out.data() + before, out.size() - before});
  sizes_.object_bytes += out.size() - before;
  sizes_.object_sha256 = sha_.finish_hex();
  return {};
}

}  // namespace blazed::jobs::backup
