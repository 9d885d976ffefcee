// Owns Sha256Stream: the incremental SHA-256 of a backup object as it streams past (the
// manifest's object_sha256), in lowercase hex.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace blazed::jobs::backup {

class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(Sha256Stream&&) noexcept;
  Sha256Stream& operator=(Sha256Stream&&) noexcept;
  void update(std::span<const std::uint8_t> data);
  // The digest of everything so far, as hex; the stream ends with it.
  std::string finish_hex();

 private:
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const;
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

}  // namespace blazed::jobs::backup
