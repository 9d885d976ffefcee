// Owns the SHA-1 of a script (what Redis names it by) and building its EVALSHA/EVAL call.
#include "redis/script.hpp"

#include <openssl/sha.h>

namespace blazed::redis {

Script::Script(std::string source) : source_(std::move(source)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(source_.data()), source_.size(), digest);
  static constexpr char hex[] = "0123456789abcdef";
  sha_.reserve(2 * SHA_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    sha_.push_back(hex[b >> 4]);
    sha_.push_back(hex[b & 0xf]);
  }
}

Args Script::call(std::size_t numkeys) const {
  Args a;
  a.add("EVALSHA").add(sha_).add(numkeys);
  return a;
}

Args Script::call(const std::vector<std::string_view>& keys,
                  const std::vector<std::string_view>& args) const {
  Args a = call(keys.size());
  for (auto k : keys) a.add(k);
  for (auto v : args) a.add(v);
  return a;
}

Args Script::as_eval(const Args& evalsha_call) const {
  Args a;
  a.add("EVAL").add(source_);
  for (std::size_t i = 2; i < evalsha_call.size(); ++i) a.add(evalsha_call[i]);
  return a;
}

}  // namespace blazed::redis
