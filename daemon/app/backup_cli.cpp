// Owns `blazed backup decrypt` (see backup_cli.hpp).
#include "app/backup_cli.hpp"

#include "crypto/chunked_stream.hpp"
#include "crypto/keyring.hpp"
#include "jobs/backup/manifest.hpp"
#include "jobs/backup/restore.hpp"
#include "jobs/backup/errc.hpp"
#include "crypto/errc.hpp"

#include <cstdio>
#include <fstream>
#include <optional>

namespace blazed::app {

namespace {

constexpr const char* kUsage =
    "usage: blazed backup decrypt --key-dir DIR [--manifest FILE] OBJECT OUT\n"
    "  writes the pg_dump custom-format file OUT (pg_restore reads it) from a backup object\n";

int fail(const Error& e) {
  std::fprintf(stderr, "blazed backup decrypt: %s: %s\n", e.code.c_str(), e.message.c_str());
  return 1;
}

Result<std::string> read_prefix(const std::string& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(blazed::jobs::backup::errc::backup_io, "cannot read " + path);
  std::string out(n, '\0');
  in.read(out.data(), static_cast<std::streamsize>(n));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

}  // namespace

int run_backup_cli(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "decrypt") return std::fputs(kUsage, stderr), 2;
  std::string key_dir;
  std::string manifest_path;
  std::vector<std::string> positional;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if ((args[i] == "--key-dir" || args[i] == "--manifest") && i + 1 < args.size()) {
      (args[i] == "--key-dir" ? key_dir : manifest_path) = args[i + 1];
      ++i;
    } else if (args[i].starts_with("--")) {
      return std::fputs(kUsage, stderr), 2;
    } else {
      positional.push_back(args[i]);
    }
  }
  if (key_dir.empty() || positional.size() != 2) return std::fputs(kUsage, stderr), 2;

  jobs::backup::ExpectedObject expected;
  if (!manifest_path.empty()) {
    auto text = read_prefix(manifest_path, 16 * 1024 * 1024);
    if (!text) return fail(text.error());
    auto m = jobs::backup::manifest_from_json(*text);
    if (!m) return fail(m.error());
    expected = {m->object_bytes, m->object_sha256};
  }
  // The header names the key; load the directory with that key as the active one.
  auto head = read_prefix(positional[0], 86 + 64);  // the longest header
  if (!head) return fail(head.error());
  auto header = crypto::parse_backup_header(
      {reinterpret_cast<const std::uint8_t*>(head->data()), head->size()});
  if (!header) return fail(header.error());
  crypto::KeyringOptions options;
  options.dir = key_dir;
  options.active_key = header->key_id;
  auto keyring = crypto::Keyring::load(options);
  if (!keyring && keyring.error().code == "keyring_missing_active")
    return fail(make_error(blazed::crypto::errc::backup_unknown_key, "the key directory has no key '" + header->key_id + "'"));
  if (!keyring) return fail(keyring.error());

  jobs::backup::FileDestination out(positional[1]);
  auto done = jobs::backup::decrypt_file(positional[0], *keyring, out, expected);
  if (!done) return fail(done.error());
  std::printf("%s: %llu bytes (pg_dump custom format; restore with pg_restore)\n", positional[1].c_str(),
              static_cast<unsigned long long>(done->dump_bytes));
  return 0;
}

}  // namespace blazed::app
