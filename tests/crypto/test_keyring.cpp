// Tests the keyring: key file layouts, generation, permission checks, missing keys, credentials
// mode, ages against policy, and that no error ever carries key material.
#include "crypto/key_age.hpp"
#include "crypto/key_file.hpp"
#include "crypto/keyring.hpp"
#include "crypto/hex.hpp"
#include "key_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace blazed;
using namespace blazed::crypto;
using blazed::testing::KeyDir;

namespace {

// A recognisable key whose hex must never show up in any message.
const std::string kCanaryHex = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
const std::string kOtherHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void check_no_key_material(const Error& e) {
  CAPTURE(e.code, e.message);
  CHECK(e.message.find(kCanaryHex) == std::string::npos);
  CHECK(e.message.find("c0ffee") == std::string::npos);
}

struct CredentialsEnv {
  explicit CredentialsEnv(const std::filesystem::path& dir) {
    ::setenv("CREDENTIALS_DIRECTORY", dir.c_str(), 1);
  }
  ~CredentialsEnv() { ::unsetenv("CREDENTIALS_DIRECTORY"); }
};

}  // namespace

TEST_CASE("key ids: plain and short", "[unit]") {
  for (const char* ok : {"k2026a", "2026-11", "2027-q1.main", "a", "A_b-c.d"}) {
    CAPTURE(ok);
    CHECK(valid_key_id(ok));
  }
  for (const char* bad : {"", ".hidden", "-x", "_x", "a/b", "a b", "ключ", "a:b", "a\nb"}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_key_id(bad));
  }
  CHECK(valid_key_id(std::string(64, 'k')));
  CHECK_FALSE(valid_key_id(std::string(65, 'k')));
  CHECK(check_key_id("../etc").error().code == "keyring_bad_key_id");
}

TEST_CASE("generate_key_file writes a v1 key file with mode 0400 that loads back", "[unit]") {
  KeyDir dir;
  ManualClock clock(Clock::time_point{std::chrono::seconds{1'780'000'000}});
  auto path = generate_key_file(dir.path(), "k2026a", clock);
  REQUIRE(path.has_value());
  CHECK(*path == dir.path() / "k2026a");

  struct stat st {};
  REQUIRE(::stat(path->c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0400);

  const std::string text = slurp(*path);
  CHECK(text.rfind("blazed-key v1\ncreated 2026-05-28T20:26:40Z\nkey ", 0) == 0);
  CHECK(text.size() == 14 + 29 + 4 + 64 + 1);

  auto ring = dir.load("k2026a");
  CHECK(ring.active().id() == "k2026a");
  CHECK(ring.active().info().created == clock.now());
  CHECK(ring.active().info().created_from_header);
  CHECK(to_hex(ring.active().material()) == text.substr(14 + 29 + 4, 64));

  // Two generated keys differ (32 bytes from the CSPRNG, not a constant).
  REQUIRE(generate_key_file(dir.path(), "k2026b", clock).has_value());
  auto ring2 = dir.load("k2026b");
  CHECK(to_hex(ring2.find("k2026a")->material()) != to_hex(ring2.find("k2026b")->material()));
}

TEST_CASE("generate_key_file never overwrites and rejects bad ids", "[unit]") {
  KeyDir dir;
  dir.write_hex_key("k1", kCanaryHex);
  auto again = generate_key_file(dir.path(), "k1");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == "keyring_key_exists");
  CHECK(slurp(dir.path() / "k1") == kCanaryHex + "\n");

  auto bad = generate_key_file(dir.path(), "../escape");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == "keyring_bad_key_id");
  CHECK_FALSE(std::filesystem::exists(dir.path().parent_path() / "escape"));

  auto nodir = generate_key_file(dir.path() / "missing", "k2");
  REQUIRE_FALSE(nodir.has_value());
  CHECK(nodir.error().code == "keyring_io");
}

TEST_CASE("the three key file layouts load to the same key", "[unit]") {
  const auto bytes = *from_hex(kOtherHex);
  KeyDir dir;
  dir.write("raw", std::string(bytes.begin(), bytes.end()));
  dir.write("hex", kOtherHex);
  dir.write("hexnl", kOtherHex + "\n");
  dir.write("upper", "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\n");
  // The example of docs/formats.md, byte for byte.
  dir.write("v1",
            "blazed-key v1\ncreated 2026-11-29T20:17:34Z\n"
            "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
  auto ring = dir.load("raw");
  CHECK(ring.size() == 5);
  for (const char* id : {"raw", "hex", "hexnl", "upper"}) {
    CAPTURE(id);
    REQUIRE(ring.find(id) != nullptr);
    CHECK(to_hex(ring.find(id)->material()) == kOtherHex);
    CHECK_FALSE(ring.find(id)->info().created_from_header);
  }
  const Key* v1 = ring.find("v1");
  REQUIRE(v1 != nullptr);
  CHECK(to_hex(v1->material()) == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  CHECK(v1->info().created == Clock::time_point{std::chrono::seconds{1'795'983'454}});
  CHECK(ring.find("nope") == nullptr);
  CHECK(ring.legacy() == nullptr);
}

TEST_CASE("mtime stands in for the creation time of bare key files", "[unit]") {
  KeyDir dir;
  dir.write_hex_key("k1", kOtherHex);
  const timespec times[2] = {{1'700'000'000, 0}, {1'700'000'000, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (dir.path() / "k1").c_str(), times, 0) == 0);
  auto ring = dir.load("k1");
  CHECK(ring.active().info().created == Clock::time_point{std::chrono::seconds{1'700'000'000}});
}

TEST_CASE("malformed key files are refused without quoting them", "[unit]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"short hex", kCanaryHex.substr(0, 62)},
      {"long hex", kCanaryHex + "00"},
      {"non-hex", std::string(kCanaryHex).replace(10, 1, "g")},
      {"two newlines", kCanaryHex + "\n\n"},
      {"v1 without key", "blazed-key v1\ncreated 2026-11-29T20:17:34Z\n"},
      {"v1 bad date", "blazed-key v1\ncreated 2026-13-29T20:17:34Z\nkey " + kCanaryHex + "\n"},
      {"v1 short key", "blazed-key v1\ncreated 2026-11-29T20:17:34Z\nkey " + kCanaryHex.substr(2) + "\n"},
      {"v1 no final newline", "blazed-key v1\ncreated 2026-11-29T20:17:34Z\nkey " + kCanaryHex},
      {"v2", "blazed-key v2\ncreated 2026-11-29T20:17:34Z\nkey " + kCanaryHex + "\n"},
      {"empty", ""},
      {"too large", std::string(300, 'c') + kCanaryHex},
  };
  for (const auto& [name, content] : cases) {
    CAPTURE(name);
    KeyDir dir;
    dir.write("k1", content);
    auto ring = dir.try_load("k1");
    REQUIRE_FALSE(ring.has_value());
    CHECK(ring.error().code == "keyring_bad_key_file");
    CHECK(ring.error().message.find((dir.path() / "k1").string()) != std::string::npos);
    check_no_key_material(ring.error());
  }
}

TEST_CASE("key files readable or writable by group or others are refused", "[unit]") {
  for (mode_t mode : {0440, 0404, 0640, 0604, 0420, 0402, 0444, 0644, 0410}) {
    CAPTURE(mode);
    KeyDir dir;
    dir.write_hex_key("active", kOtherHex);
    dir.write_hex_key("k-open", kCanaryHex, mode);
    auto ring = dir.try_load("active");
    REQUIRE_FALSE(ring.has_value());
    CHECK(ring.error().code == "keyring_insecure_file");
    CHECK(ring.error().message.find((dir.path() / "k-open").string()) != std::string::npos);
    check_no_key_material(ring.error());
  }
  for (mode_t mode : {0400, 0600}) {
    CAPTURE(mode);
    KeyDir dir;
    dir.write_hex_key("active", kOtherHex, mode);
    CHECK(dir.try_load("active").has_value());
  }
}

TEST_CASE("a key directory writable by group or others is refused", "[unit]") {
  KeyDir dir;
  dir.write_hex_key("k1", kOtherHex);
  REQUIRE(::chmod(dir.path().c_str(), 0770) == 0);
  auto ring = dir.try_load("k1");
  REQUIRE_FALSE(ring.has_value());
  CHECK(ring.error().code == "keyring_insecure_dir");
  REQUIRE(::chmod(dir.path().c_str(), 0750) == 0);  // readable by group is fine for a directory
  CHECK(dir.try_load("k1").has_value());
}

TEST_CASE("a symlink in place of a key file is refused, not followed", "[unit]") {
  KeyDir dir;
  dir.write(".real", kOtherHex, 0400);
  std::filesystem::create_symlink(dir.path() / ".real", dir.path() / "k1");
  auto ring = dir.try_load("k1");
  REQUIRE_FALSE(ring.has_value());
  CHECK(ring.error().code == "keyring_insecure_file");
  CHECK(ring.error().message.find("symlink") != std::string::npos);
  check_no_key_material(ring.error());
}

TEST_CASE("a key file owned by another user is refused", "[unit]") {
  if (::geteuid() != 0) {
    WARN("needs root to give a file to another owner");
    return;
  }
  KeyDir dir;
  dir.write_hex_key("k1", kCanaryHex);
  CHECK(dir.try_load("k1").has_value());  // ours (root's)
  REQUIRE(::chown((dir.path() / "k1").c_str(), 4242, 4242) == 0);
  auto ring = dir.try_load("k1");
  REQUIRE_FALSE(ring.has_value());
  CHECK(ring.error().code == "keyring_insecure_file");
  CHECK(ring.error().message.find("owned by uid 4242") != std::string::npos);
  check_no_key_material(ring.error());
}

TEST_CASE("a missing active or legacy key stops the load and names the file", "[unit]") {
  KeyDir dir;
  dir.write_hex_key("k1", kCanaryHex);
  auto missing = dir.try_load("k2");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == "keyring_missing_active");
  CHECK(missing.error().message.find((dir.path() / "k2").string()) != std::string::npos);
  check_no_key_material(missing.error());

  auto unset = dir.try_load("");
  REQUIRE_FALSE(unset.has_value());
  CHECK(unset.error().code == "keyring_missing_active");

  auto legacy = dir.try_load("k1", "node-legacy");
  REQUIRE_FALSE(legacy.has_value());
  CHECK(legacy.error().code == "keyring_missing_legacy");

  dir.write_hex_key("node-legacy", kOtherHex);
  auto both = dir.load("k1", "node-legacy");
  REQUIRE(both.legacy() != nullptr);
  CHECK(both.legacy()->id() == "node-legacy");
  CHECK(both.active().id() == "k1");
}

TEST_CASE("the legacy key cannot be the active key", "[unit]") {
  KeyDir dir;
  dir.write_hex_key("k1", kCanaryHex);
  auto same = dir.try_load("k1", "k1");
  REQUIRE_FALSE(same.has_value());
  CHECK(same.error().code == "keyring_legacy_is_active");
  CHECK(same.error().message.find("'k1'") != std::string::npos);
  check_no_key_material(same.error());
}

TEST_CASE("file names that are not key ids are refused; dot files are skipped", "[unit]") {
  KeyDir dir;
  dir.write_hex_key("k1", kOtherHex);
  dir.write(".k1.swp", "editor junk", 0644);
  CHECK(dir.load("k1").size() == 1);
  dir.write("k1~", kOtherHex);
  auto ring = dir.try_load("k1");
  REQUIRE_FALSE(ring.has_value());
  CHECK(ring.error().code == "keyring_bad_key_id");
  CHECK(ring.error().message.find("k1~") != std::string::npos);
}

TEST_CASE("a directory that does not exist is a clear error", "[unit]") {
  KeyringOptions o;
  o.dir = "/nonexistent/blazed-keys";
  o.active_key = "k1";
  auto ring = Keyring::load(o);
  REQUIRE_FALSE(ring.has_value());
  CHECK(ring.error().code == "keyring_io");
  CHECK(ring.error().message.find("/nonexistent/blazed-keys") != std::string::npos);
}

TEST_CASE("keys from systemd credentials: prefix, ACL-style group bits, no bits for others", "[unit]") {
  KeyDir creds;
  REQUIRE(::chmod(creds.path().c_str(), 0500) == 0);
  creds.write("blazed-key-k1", kOtherHex, 0440);  // systemd's ACL mask shows as group r
  creds.write("postgres-password", "not a key at all", 0440);
  config::KeyringConfig cfg;
  cfg.from_credentials = true;
  cfg.dir = "/nonexistent";  // ignored in this mode
  cfg.active_key = "k1";

  {
    auto ring = Keyring::load(cfg);
    REQUIRE_FALSE(ring.has_value());
    CHECK(ring.error().code == "keyring_no_credentials");
  }
  CredentialsEnv env(creds.path());
  {
    auto ring = Keyring::load(cfg);
    INFO((ring ? std::string() : ring.error().message));
    REQUIRE(ring.has_value());
    CHECK(ring->size() == 1);
    CHECK(to_hex(ring->active().material()) == kOtherHex);
  }
  REQUIRE(::chmod(creds.path().c_str(), 0700) == 0);
  creds.write("blazed-key-k1", kOtherHex, 0444);
  auto ring = Keyring::load(cfg);
  REQUIRE_FALSE(ring.has_value());
  CHECK(ring.error().code == "keyring_insecure_file");
}

TEST_CASE("credential ages against the 90 and 180 day policies", "[unit]") {
  using namespace std::chrono;
  KeyDir dir;
  const auto t0 = Clock::time_point{seconds{1'790'000'000}};
  ManualClock clock(t0);
  REQUIRE(generate_key_file(dir.path(), "old", clock).has_value());
  clock.advance(hours{24 * 60});
  REQUIRE(generate_key_file(dir.path(), "new", clock).has_value());
  auto ring = dir.load("new");

  config::CredentialAgeConfig policy;
  policy.lwa_client_secret_created = floor<days>(t0);
  clock.set(t0 + hours{24 * 91});

  auto ages = credential_ages(ring, policy, clock);
  REQUIRE(ages.size() == 3);
  CHECK(ages[0].name == "new");
  CHECK(ages[0].active);
  CHECK(ages[0].age == hours{24 * 31});
  CHECK_FALSE(ages[0].overdue);
  CHECK(ages[1].name == "old");
  CHECK_FALSE(ages[1].active);
  CHECK(ages[1].age == hours{24 * 91});
  CHECK(ages[1].overdue);
  CHECK(ages[2].kind == CredentialAge::Kind::lwa_client_secret);
  CHECK(ages[2].max_age == hours{24 * 180});
  CHECK_FALSE(ages[2].overdue);

  clock.set(t0 + hours{24 * 181});
  CHECK(credential_ages(ring, policy, clock)[2].overdue);

  policy.lwa_client_secret_created.reset();
  auto unknown = credential_ages(ring, policy, clock)[2];
  CHECK_FALSE(unknown.created.has_value());
  CHECK_FALSE(unknown.overdue);
}

TEST_CASE("the process can be made non-dumpable", "[unit]") {
  REQUIRE(make_process_non_dumpable().has_value());
  CHECK(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
}
