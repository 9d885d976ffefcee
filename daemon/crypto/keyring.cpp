// Owns loading the keyring from a directory and the checks that keep the daemon from starting
// on an insecure or incomplete one.
#include "crypto/keyring.hpp"

#include "crypto/cipher_context.hpp"
#include "crypto/errc.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <array>
#include <cstdio>
#include <cstdlib>

namespace blazed::crypto {

Key::Key(KeyInfo info, KeyMemory material)
    : info_(std::move(info)), material_(std::move(material)), serial_([] {
        static std::atomic<std::uint64_t> next{1};
        return next.fetch_add(1, std::memory_order_relaxed);
      }()) {}

Keyring::~Keyring() {
  if (!keys_.empty()) detail::forget_cached_keys();
}

Result<KeyringOptions> keyring_options(const config::KeyringConfig& cfg) {
  KeyringOptions o;
  o.active_key = cfg.active_key;
  o.legacy_key = cfg.legacy_key;
  if (cfg.from_credentials) {
    const char* creds = std::getenv("CREDENTIALS_DIRECTORY");
    if (creds == nullptr || *creds == '\0')
      return make_error(errc::keyring_no_credentials,
                        "keyring.from_credentials is set but $CREDENTIALS_DIRECTORY is not "
                        "(add LoadCredential= lines to the unit)");
    o.dir = creds;
    o.file_prefix = cfg.credential_prefix;
    o.mode_rule = FileModeRule::no_other;
  } else {
    o.dir = cfg.dir;
    o.mode_rule = FileModeRule::owner_only;
  }
  return o;
}

Result<Keyring> Keyring::load(const config::KeyringConfig& cfg) {
  auto options = keyring_options(cfg);
  if (!options) return options.error();
  return load(*options);
}

Result<Keyring> Keyring::load(const KeyringOptions& options) {
  if (options.active_key.empty())
    return make_error(errc::keyring_missing_active, "keyring.active_key is not set");
  if (auto st = check_key_id(options.active_key); !st) return st.error().context("keyring.active_key");
  if (!options.legacy_key.empty())
    if (auto st = check_key_id(options.legacy_key); !st) return st.error().context("keyring.legacy_key");
  // One key for CBC and GCM alike would keep the legacy format's key in service for good.
  if (options.legacy_key == options.active_key)
    return make_error(errc::keyring_legacy_is_active,
                      "keyring.legacy_key and keyring.active_key are both '" + options.active_key +
                          "'; new values need a key of their own: generate one and make it active");

  const std::string where = "key directory " + options.dir.string();
  struct stat dst {};
  if (::stat(options.dir.c_str(), &dst) != 0 || !S_ISDIR(dst.st_mode))
    return make_error(errc::keyring_io, where + ": not a readable directory");
  // Whoever can write the directory can swap a key file for one of their own.
  if ((dst.st_mode & 0022) != 0) {
    std::array<char, 8> mode{};
    std::snprintf(mode.data(), mode.size(), "%04o", static_cast<unsigned>(dst.st_mode & 07777));
    return make_error(errc::keyring_insecure_dir,
                      where + ": mode " + mode.data() + " lets group or others write it; chmod 0700 it");
  }

  std::error_code ec;
  std::filesystem::directory_iterator it(options.dir, ec);
  if (ec) return make_error(errc::keyring_io, where + ": cannot list: " + ec.message());

  Keyring ring;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::string_view id = name;
    if (options.file_prefix.empty()) {
      if (name.starts_with('.')) continue;  // editors' and tools' hidden files
    } else {
      if (!name.starts_with(options.file_prefix)) continue;  // another credential, not ours
      id.remove_prefix(options.file_prefix.size());
    }
    if (auto st = check_key_id(id); !st) return st.error().context("key file " + it->path().string());
    auto file = read_key_file(it->path(), options.mode_rule);
    if (!file) return file.error();
    KeyInfo info{std::string(id), it->path(), file->created, file->created_from_header};
    ring.keys_.emplace_back(std::move(info), std::move(file->key));
  }
  if (ec) return make_error(errc::keyring_io, where + ": cannot list: " + ec.message());

  std::sort(ring.keys_.begin(), ring.keys_.end(),
            [](const Key& a, const Key& b) { return a.id() < b.id(); });
  auto index_of = [&](std::string_view id) -> std::size_t {
    for (std::size_t i = 0; i < ring.keys_.size(); ++i)
      if (ring.keys_[i].id() == id) return i;
    return npos;
  };
  ring.active_ = index_of(options.active_key);
  if (ring.active_ == npos)
    return make_error(errc::keyring_missing_active,
                      "active key '" + options.active_key + "' has no key file " +
                          (options.dir / (options.file_prefix + options.active_key)).string());
  if (!options.legacy_key.empty()) {
    ring.legacy_ = index_of(options.legacy_key);
    if (ring.legacy_ == npos)
      return make_error(errc::keyring_missing_legacy,
                        "legacy key '" + options.legacy_key + "' has no key file " +
                            (options.dir / (options.file_prefix + options.legacy_key)).string());
  }
  return ring;
}

const Key* Keyring::find(std::string_view id) const noexcept {
  for (const Key& k : keys_)
    if (k.id() == id) return &k;
  return nullptr;
}

const Key* Keyring::legacy() const noexcept { return legacy_ == npos ? nullptr : &keys_[legacy_]; }

std::vector<KeyInfo> Keyring::infos() const {
  std::vector<KeyInfo> out;
  out.reserve(keys_.size());
  for (const Key& k : keys_) out.push_back(k.info());
  return out;
}

}  // namespace blazed::crypto
