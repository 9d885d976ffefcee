// Owns reading, checking and generating key files.
#include "crypto/key_file.hpp"

#include "core/secret.hpp"
#include "crypto/errc.hpp"
#include "crypto/hex.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace blazed::crypto {
namespace {

constexpr std::string_view kMagicLine = "blazed-key v1\n";
constexpr std::string_view kCreatedPrefix = "created ";
constexpr std::string_view kKeyPrefix = "key ";
// Larger than any accepted layout; a bigger file is rejected without reading it all.
constexpr std::size_t kMaxFileSize = 256;

bool is_id_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

Error file_error(ErrorCode code, const std::filesystem::path& path, std::string_view why) {
  return make_error(code, "key file " + path.string() + ": " + std::string(why));
}

std::string errno_text() { return std::strerror(errno); }

// Wipes a stack buffer on every way out of the reader.
struct WipedBuffer {
  std::array<char, kMaxFileSize + 1> data{};
  ~WipedBuffer() { secure_wipe(data.data(), data.size()); }
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::optional<Clock::time_point> parse_utc(std::string_view text) {
  // Exactly YYYY-MM-DDTHH:MM:SSZ.
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z')
    return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> int {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
      tm.tm_sec > 60)
    return std::nullopt;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

std::string format_utc(Clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::array<char, 32> out{};
  const std::size_t n = std::strftime(out.data(), out.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(out.data(), n);
}

// Parses the v1 text layout into `key`; false if `text` is not exactly that layout.
bool parse_v1(std::string_view text, KeyFile& out) {
  if (!text.starts_with(kMagicLine)) return false;
  text.remove_prefix(kMagicLine.size());
  const auto nl1 = text.find('\n');
  if (nl1 == std::string_view::npos) return false;
  std::string_view created_line = text.substr(0, nl1);
  text.remove_prefix(nl1 + 1);
  if (!created_line.starts_with(kCreatedPrefix)) return false;
  auto created = parse_utc(created_line.substr(kCreatedPrefix.size()));
  if (!created) return false;
  if (!text.starts_with(kKeyPrefix) || !text.ends_with('\n')) return false;
  std::string_view hex = text.substr(kKeyPrefix.size(), text.size() - kKeyPrefix.size() - 1);
  if (!hex_decode_into(hex, out.key.bytes())) return false;
  out.created = *created;
  out.created_from_header = true;
  return true;
}

}  // namespace

bool valid_key_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  const char first = id.front();
  if (first == '.' || first == '_' || first == '-') return false;
  for (char c : id)
    if (!is_id_char(c)) return false;
  return true;
}

Status check_key_id(std::string_view id) {
  if (valid_key_id(id)) return {};
  // The id is not a secret, but an invalid one may hold anything: say what is wrong, not it.
  return make_error(errc::keyring_bad_key_id,
                    "key id must be 1-64 characters of [A-Za-z0-9._-] starting with a letter or "
                    "digit (got " + std::to_string(id.size()) + " characters)");
}

Result<KeyFile> read_key_file(const std::filesystem::path& path, FileModeRule rule) {
  Fd f;
  // A symlink is refused, not followed: whoever can place one could point it at any file the
  // daemon can read. O_NONBLOCK: a FIFO planted there must not hang the load.
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
  if (f.fd < 0 && errno == ELOOP)
    return file_error(errc::keyring_insecure_file, path, "is a symlink; put the key file itself there");
  if (f.fd < 0) return file_error(errc::keyring_io, path, "cannot open: " + errno_text());
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return file_error(errc::keyring_io, path, "cannot stat: " + errno_text());
  if (!S_ISREG(st.st_mode)) return file_error(errc::keyring_insecure_file, path, "not a regular file");
  // Only root or the daemon's own user may own a key: another owner could change it at will.
  if (st.st_uid != 0 && st.st_uid != ::geteuid())
    return file_error(errc::keyring_insecure_file, path,
                      "is owned by uid " + std::to_string(st.st_uid) +
                          "; chown it to the service user or root");
  const mode_t forbidden = rule == FileModeRule::owner_only ? 0077 : 0007;
  if ((st.st_mode & forbidden) != 0) {
    std::array<char, 8> mode{};
    std::snprintf(mode.data(), mode.size(), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return file_error(errc::keyring_insecure_file, path,
                      std::string("mode ") + mode.data() +
                          (rule == FileModeRule::owner_only
                               ? " gives access to group or others; chmod 0400 it"
                               : " gives access to others; chmod 0400 it"));
  }
  if (st.st_size > static_cast<off_t>(kMaxFileSize))
    return file_error(errc::keyring_bad_key_file, path, "too large to be a key file");

  WipedBuffer buf;
  std::size_t len = 0;
  while (len < buf.data.size()) {
    const ssize_t n = ::read(f.fd, buf.data.data() + len, buf.data.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_error(errc::keyring_io, path, "cannot read: " + errno_text());
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
  }
  if (len > kMaxFileSize) return file_error(errc::keyring_bad_key_file, path, "too large to be a key file");

  KeyFile out;
  const std::string_view text(buf.data.data(), len);
  bool ok = false;
  if (len == kKeySize) {  // raw bytes (e.g. head -c32 /dev/urandom)
    std::memcpy(out.key.bytes().data(), text.data(), kKeySize);
    ok = true;
  } else if (len == 2 * kKeySize || (len == 2 * kKeySize + 1 && text.back() == '\n')) {
    ok = hex_decode_into(text.substr(0, 2 * kKeySize), out.key.bytes());  // openssl rand -hex 32
  } else {
    ok = parse_v1(text, out);
  }
  if (!ok) {
    secure_wipe(out.key.bytes().data(), kKeySize);
    return file_error(errc::keyring_bad_key_file, path,
                      "not a key file (expected 'blazed-key v1' text, 64 hex digits or 32 raw bytes)");
  }
  if (!out.created_from_header)
    out.created = std::chrono::system_clock::time_point{
        std::chrono::seconds{st.st_mtim.tv_sec} +
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds{st.st_mtim.tv_nsec})};
  return out;
}

std::string format_key_file(std::span<const std::uint8_t, kKeySize> key, Clock::time_point created) {
  // Reserved up front so the key's hex is never left behind in a buffer freed by a regrowth.
  std::string text;
  text.reserve(128);
  text += kMagicLine;
  text += kCreatedPrefix;
  text += format_utc(created);
  text += '\n';
  text += kKeyPrefix;
  append_hex(key, text);
  text += '\n';
  return text;
}

Result<std::filesystem::path> generate_key_file(const std::filesystem::path& dir, std::string_view id,
                                                const Clock& clock) {
  if (auto st = check_key_id(id); !st) return st.error();
  const std::filesystem::path path = dir / std::string(id);
  KeyMemory key;
  if (RAND_priv_bytes(key.bytes().data(), static_cast<int>(kKeySize)) != 1)
    return make_error(errc::crypto_random, "the random generator failed");
  Secret text(format_key_file(key.bytes(), clock.now()));

  Fd f;
  f.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0400);
  if (f.fd < 0) {
    if (errno == EEXIST)
      return file_error(errc::keyring_key_exists, path, "already exists; a key is never overwritten");
    return file_error(errc::keyring_io, path, "cannot create: " + errno_text());
  }
  auto fail = [&](std::string why) -> Error {
    ::unlink(path.c_str());
    return file_error(errc::keyring_io, path, why);
  };
  // The umask can only remove bits; this makes 0400 exact whatever it is.
  if (::fchmod(f.fd, 0400) != 0) return fail("cannot chmod: " + errno_text());
  std::string_view rest = text.reveal();
  while (!rest.empty()) {
    const ssize_t n = ::write(f.fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write: " + errno_text());
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(f.fd) != 0) return fail("cannot fsync: " + errno_text());
  return path;
}

}  // namespace blazed::crypto
