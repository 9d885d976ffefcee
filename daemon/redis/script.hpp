// Owns Script: a Lua script's source and its SHA-1, so callers send EVALSHA and fall back to
// EVAL only when the server answers NOSCRIPT (after a restart or SCRIPT FLUSH).
#pragma once

#include "redis/args.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace blazed::redis {

class Script {
 public:
  explicit Script(std::string source);

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] const std::string& sha() const noexcept { return sha_; }

  // "EVALSHA sha numkeys": the caller appends the keys, then the arguments.
  [[nodiscard]] Args call(std::size_t numkeys) const;
  // EVALSHA sha numkeys keys... args...
  [[nodiscard]] Args call(const std::vector<std::string_view>& keys,
                          const std::vector<std::string_view>& args) const;
  // The same call as EVAL with the source, for the NOSCRIPT fallback.
  [[nodiscard]] Args as_eval(const Args& evalsha_call) const;

 private:
  std::string source_;
  std::string sha_;  // lowercase hex
};

}  // namespace blazed::redis
