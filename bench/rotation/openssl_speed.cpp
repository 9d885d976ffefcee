// Owns the popen of `openssl speed` and the parsing of its `+F:` result line.
#include "openssl_speed.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace blazed::bench {
namespace {

struct PcloseDeleter {
  void operator()(FILE* f) const noexcept { ::pclose(f); }
};

}  // namespace

std::optional<double> openssl_speed_gcm(std::size_t size, int seconds, bool aead) {
  const std::string cmd = std::string("openssl speed -evp aes-256-gcm") + (aead ? " -aead" : "") +
                          " -bytes " + std::to_string(size) +
                          " -seconds " + std::to_string(seconds) + " -mr 2>/dev/null";
  std::unique_ptr<FILE, PcloseDeleter> pipe(::popen(cmd.c_str(), "r"));
  if (!pipe) {
    std::fprintf(stderr, "bench: cannot run openssl speed\n");
    return std::nullopt;
  }
  // The result line is "+F:<n>:AES-256-GCM:<bytes per second>".
  std::array<char, 512> line{};
  std::optional<double> result;
  while (std::fgets(line.data(), static_cast<int>(line.size()), pipe.get()) != nullptr) {
    const std::string_view l(line.data());
    if (!l.starts_with("+F:")) continue;
    const auto last = l.rfind(':');
    if (last == std::string_view::npos) continue;
    char* end = nullptr;
    const double v = std::strtod(line.data() + last + 1, &end);
    if (end != line.data() + last + 1) result = v;
  }
  if (!result) std::fprintf(stderr, "bench: no +F line in the output of openssl speed\n");
  return result;
}

}  // namespace blazed::bench
