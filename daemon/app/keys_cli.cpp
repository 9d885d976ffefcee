// Owns `blazed keys generate`: argument parsing, the default id, and its exit codes.
#include "app/keys_cli.hpp"

#include "app/app.hpp"
#include "crypto/errc.hpp"
#include "crypto/key_file.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>

namespace blazed::app {
namespace {

constexpr const char* kUsage = R"(usage:
  blazed keys generate --dir DIR [--id ID]
      write a new random key DIR/ID (mode 0400) and print its id; without --id the id is
      k-YYYYMMDD-HHMMSS (UTC). An existing key is never overwritten.
Exit codes: 0 ok, 1 failure, 2 usage or invalid id, 73 a key with that id exists.
)";

std::string default_key_id() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "k-%Y%m%d-%H%M%S", &utc);
  return buf;
}

int generate(const std::vector<std::string>& args) {
  std::optional<std::string> dir;
  std::optional<std::string> id;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto& a = args[i];
    if ((a == "--dir" || a == "--id") && i + 1 < args.size()) {
      (a == "--dir" ? dir : id) = args[++i];
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    } else {
      std::fprintf(stderr, "blazed keys generate: unexpected argument '%s'\n%s", a.c_str(), kUsage);
      return kExitUsage;
    }
  }
  if (!dir) {
    std::fprintf(stderr, "blazed keys generate: --dir DIR is required\n%s", kUsage);
    return kExitUsage;
  }
  const std::string key_id = id ? *id : default_key_id();
  if (auto st = crypto::check_key_id(key_id); !st) {
    std::fprintf(stderr, "blazed keys generate: %s\n", st.error().message.c_str());
    return kExitUsage;
  }
  auto written = crypto::generate_key_file(*dir, key_id);
  if (!written) {
    std::fprintf(stderr, "blazed keys generate: %s\n", written.error().message.c_str());
    return written.error().code == crypto::errc::keyring_key_exists ? kKeysExitExists : kExitFailure;
  }
  // The id only: the key bytes never leave the file.
  std::printf("%s\n", key_id.c_str());
  return kExitOk;
}

}  // namespace

int run_keys_cli(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "generate") return generate(args);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  std::fputs(kUsage, stderr);
  return kExitUsage;
}

}  // namespace blazed::app
