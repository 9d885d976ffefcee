// Tests the AES-256-GCM envelope against the independent vectors of docs/formats.md, and that
// every kind of tampering (flipped bit, truncation, swapped rows, wrong AAD, unknown key) fails
// with a clear error that carries no plaintext and no key.
#include "crypto/ciphertext.hpp"
#include "crypto/cipher_context.hpp"
#include "crypto/envelope.hpp"
#include "crypto/hex.hpp"
#include "crypto/open_failure.hpp"
#include "doc_vectors.hpp"
#include "key_dir.hpp"
#include "scripted_sources.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <set>
#include <future>
#include <memory>
#include <thread>

using namespace blazed;
using namespace blazed::crypto;
using blazed::testing::KeyDir;
using blazed::testing::ScriptedNonces;

namespace {

class FailingNonces final : public NonceSource {
 public:
  Status fill(std::span<std::uint8_t, kNonceSize>) override {
    return make_error("crypto_random", "the random generator failed");
  }
};

Bytes hex(const std::string& s) {
  auto b = from_hex(s);
  REQUIRE(b.has_value());
  return *b;
}

std::string text_of(const Bytes& b) { return {b.begin(), b.end()}; }

const std::string kCanary = "Atzr|CANARY-refresh-token-never-in-errors";
const std::string kKeyHex = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";
const std::string kOtherKeyHex = "a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0";

void check_clean(const Error& e) {
  CAPTURE(e.code, e.message);
  CHECK(e.message.find(kCanary) == std::string::npos);
  CHECK(e.message.find("CANARY") == std::string::npos);
  CHECK(e.message.find(kKeyHex) == std::string::npos);
  CHECK(e.message.find("5e5e5e") == std::string::npos);
  CHECK(e.message.find(kOtherKeyHex) == std::string::npos);
}

// The open failed with `code`, and its message leaks neither the canary plaintext nor a key.
template <class T>
void expect_failure(const Result<T>& r, const std::string& code) {
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == code);
  check_clean(r.error());
}

struct Fixture {
  KeyDir dir;
  Keyring ring;
  Fixture() : ring(make()) {}
  Keyring make() {
    dir.write_hex_key("k-active", kKeyHex);
    dir.write_hex_key("k-old", kOtherKeyHex);
    return dir.load("k-active");
  }
};

const Aad kRow42{kPurposeSellerToken, "seller_tokens", "42"};
const Aad kRow43{kPurposeSellerToken, "seller_tokens", "43"};

}  // namespace

TEST_CASE("envelope vectors from docs/formats.md seal and open byte for byte", "[unit]") {
  const auto vectors = testing::doc_vectors("envelope-");
  REQUIRE(vectors.size() >= 3);
  KeyDir dir;
  for (auto v : vectors) dir.write_hex_key(v["key_id"], v["key"]);
  auto ring = dir.load(vectors.front().at("key_id"));
  for (auto v : vectors) {
    CAPTURE(v["vector"]);
    const Key* key = ring.find(v["key_id"]);
    REQUIRE(key != nullptr);
    const Aad aad{v["purpose"], v["table"], v["row_id"]};
    const Bytes plain = hex(v["plaintext"]);
    ScriptedNonces nonces;
    nonces.push(hex(v["nonce"]));
    auto sealed = seal(*key, nonces, aad, plain);
    REQUIRE(sealed.has_value());
    CHECK(to_hex(*sealed) == v["envelope"]);

    const Bytes envelope = hex(v["envelope"]);
    auto opened = open_envelope(ring, aad, envelope);
    REQUIRE(opened.has_value());
    CHECK(*opened == text_of(plain));

    auto header = parse_envelope_header(envelope);
    REQUIRE(header.has_value());
    CHECK(header->key_id == v["key_id"]);
    // The documented AAD starts with the header; the rest is the length-prefixed fields.
    CHECK(v["aad"].rfind(v["envelope"].substr(0, 2 * header->header_size), 0) == 0);
  }
}

TEST_CASE("seal uses a fresh nonce each time and round-trips", "[unit]") {
  Fixture f;
  auto a = seal(f.ring, random_nonces(), kRow42, kCanary);
  auto b = seal(f.ring, random_nonces(), kRow42, kCanary);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(*a != *b);
  CHECK(text_of(*a).find(kCanary) == std::string::npos);
  CHECK(open_envelope(f.ring, kRow42, *a).value() == kCanary);
  CHECK(open_envelope(f.ring, kRow42, *b).value() == kCanary);
  CHECK(a->size() == 4 + 8 + 12 + kCanary.size() + 16);

  // A megabyte payload too.
  std::string big(1 << 20, 'p');
  const Aad payload{kPurposeRawPayload, "raw_payloads", "9001"};
  auto sealed = seal(f.ring, random_nonces(), payload, big);
  REQUIRE(sealed.has_value());
  CHECK(open_envelope(f.ring, payload, *sealed).value() == big);
}

TEST_CASE("every flipped bit of an envelope is detected", "[unit]") {
  Fixture f;
  const Bytes good = seal(f.ring, random_nonces(), kRow42, kCanary).value();
  const std::set<std::string> allowed = {"crypto_tampered", "crypto_unknown_key"};
  const std::string one_message = open_failure().message;
  std::size_t tampered = 0;
  for (std::size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = good;
      bad[byte] ^= static_cast<std::uint8_t>(1u << bit);
      auto r = open_envelope(f.ring, kRow42, bad);
      CAPTURE(byte, bit);
      REQUIRE_FALSE(r.has_value());
      CHECK(allowed.count(r.error().code) == 1);
      if (r.error().code == "crypto_tampered") CHECK(r.error().message == one_message);
      check_clean(r.error());
      if (byte >= 4 + 8) {  // nonce, ciphertext and tag: only authentication can tell
        CHECK(r.error().code == "crypto_tampered");
        ++tampered;
      }
    }
  }
  CHECK(tampered == (good.size() - 12) * 8);
}

TEST_CASE("truncated or extended envelopes fail", "[unit]") {
  Fixture f;
  const Bytes good = seal(f.ring, random_nonces(), kRow42, kCanary).value();
  for (std::size_t len = 0; len < good.size(); ++len) {
    CAPTURE(len);
    Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(len));
    auto r = open_envelope(f.ring, kRow42, cut);
    REQUIRE_FALSE(r.has_value());
    // Cut inside the header or after it: one answer, so the cut point cannot be told.
    CHECK(r.error().code == "crypto_tampered");
    CHECK(r.error().message == open_failure().message);
    check_clean(r.error());
  }
  Bytes longer = good;
  longer.push_back(0);
  expect_failure(open_envelope(f.ring, kRow42, longer), "crypto_tampered");
}

TEST_CASE("a ciphertext moved to another row, table or purpose fails", "[unit]") {
  Fixture f;
  const Bytes token42 = seal(f.ring, random_nonces(), kRow42, kCanary).value();
  const Bytes token43 = seal(f.ring, random_nonces(), kRow43, "Atzr|CANARY-other-seller").value();

  // Rows swapped: each seller's token copied onto the other's row.
  for (const auto& [stored, aad] : {std::pair{token42, kRow43}, std::pair{token43, kRow42}}) {
    expect_failure(open_envelope(f.ring, aad, stored), "crypto_tampered");
  }
  const std::vector<Aad> wrong = {
      {kPurposeRawPayload, "seller_tokens", "42"},
      {kPurposeSellerToken, "raw_payloads", "42"},
      {kPurposeSellerToken, "seller_tokens", "420"},
      {kPurposeSellerToken, "seller_tokens", "4"},
      // Shifting bytes between fields must not give the same AAD (the length prefixes).
      {"seller_tokenseller_tokens", "s", "42"},
      {kPurposeSellerToken, "seller_tokens4", "2"},
  };
  for (const auto& aad : wrong) {
    CAPTURE(aad.purpose, aad.table, aad.row_id);
    expect_failure(open_envelope(f.ring, aad, token42), "crypto_tampered");
  }
}

TEST_CASE("unknown key ids, wrong keys and unknown versions fail clearly", "[unit]") {
  Fixture f;
  const Bytes good = seal(f.ring, random_nonces(), kRow42, kCanary).value();

  KeyDir other;
  other.write_hex_key("k-elsewhere", kOtherKeyHex);
  auto elsewhere = other.load("k-elsewhere");
  auto unknown = open_envelope(elsewhere, kRow42, good);
  expect_failure(unknown, "crypto_unknown_key");
  CHECK(unknown.error().message.find("'k-active'") != std::string::npos);

  // The same id with different key bytes: authentication fails.
  KeyDir impostor;
  impostor.write_hex_key("k-active", kOtherKeyHex);
  expect_failure(open_envelope(impostor.load("k-active"), kRow42, good), "crypto_tampered");

  // An unknown version or a malformed header answers like a wrong tag.
  Bytes v2 = good;
  v2[2] = 0x02;
  expect_failure(open_envelope(f.ring, kRow42, v2), "crypto_tampered");
  CHECK(open_envelope(f.ring, kRow42, v2).error().message == open_failure().message);
  // inspect() still tells them apart: it reads only the header, which anyone can.
  CHECK(inspect(f.ring, v2).error().code == "crypto_unsupported_version");

  Bytes bad_id = good;
  bad_id[4] = '/';
  CHECK(open_envelope(f.ring, kRow42, bad_id).error().code == "crypto_tampered");
  Bytes zero_len = good;
  zero_len[3] = 0;
  CHECK(open_envelope(f.ring, kRow42, zero_len).error().code == "crypto_tampered");
}

TEST_CASE("empty AAD fields and a failing nonce source are errors, not envelopes", "[unit]") {
  Fixture f;
  for (const Aad& aad : {Aad{"", "t", "1"}, Aad{"p", "", "1"}, Aad{"p", "t", ""}}) {
    auto r = seal(f.ring, random_nonces(), aad, kCanary);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == "crypto_bad_aad");
  }
  const std::string long_field(70'000, 'x');
  CHECK(seal(f.ring, random_nonces(), Aad{"p", "t", long_field}, kCanary).error().code ==
        "crypto_bad_aad");
  FailingNonces failing;
  CHECK(seal(f.ring, failing, kRow42, kCanary).error().code == "crypto_random");
}

TEST_CASE("inspect, needs_upgrade and rewrap move an envelope to the active key", "[unit]") {
  Fixture f;
  const Key* old_key = f.ring.find("k-old");
  REQUIRE(old_key != nullptr);
  const std::string_view plain = kCanary;
  const Bytes under_old =
      seal(*old_key, random_nonces(), kRow42,
           std::span(reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size()))
          .value();

  auto info = inspect(f.ring, under_old);
  REQUIRE(info.has_value());
  CHECK(info->format == CiphertextFormat::envelope_v1);
  CHECK(info->key_id == "k-old");
  CHECK(needs_upgrade(f.ring, *info));

  auto rewrapped = rewrap(f.ring, random_nonces(), kRow42, "k-old", under_old);
  REQUIRE(rewrapped.has_value());
  auto after = inspect(f.ring, *rewrapped).value();
  CHECK(after.key_id == "k-active");
  CHECK_FALSE(needs_upgrade(f.ring, after));
  CHECK(open_stored(f.ring, kRow42, "k-active", *rewrapped).value() == kCanary);
  CHECK(open_stored_secret(f.ring, kRow42, "k-active", *rewrapped).value().reveal() == kCanary);

  // Rewrap keeps the binding: the old value for row 42 cannot be rewrapped as row 43's.
  auto moved = rewrap(f.ring, random_nonces(), kRow43, "k-old", under_old);
  REQUIRE_FALSE(moved.has_value());
  CHECK(moved.error().code == "crypto_tampered");

  const Bytes garbage = {'n', 'o', 't', ' ', 'a', 'n', 'y'};
  CHECK(inspect(f.ring, garbage).error().code == "crypto_malformed");
  CHECK(open_stored(f.ring, kRow42, "k-active", garbage).error().code == "crypto_tampered");
  CHECK(open_stored(f.ring, kRow42, std::nullopt, garbage).error().code == "crypto_tampered");
}

TEST_CASE("random nonces do not repeat, also across fork()", "[unit]") {
  std::set<Bytes> seen;
  for (int i = 0; i < 5000; ++i) {
    Bytes n(kNonceSize);
    REQUIRE(random_nonces().fill(std::span<std::uint8_t, kNonceSize>(n.data(), kNonceSize)).has_value());
    CHECK(seen.insert(n).second);
  }
  // The parent has nonces buffered now; a child must not hand out the same ones.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::array<std::uint8_t, kNonceSize> n{};
    const bool ok = random_nonces().fill(n).has_value();
    const ssize_t w = ok ? ::write(fds[1], n.data(), n.size()) : -1;
    ::_exit(w == static_cast<ssize_t>(n.size()) ? 0 : 1);
  }
  ::close(fds[1]);
  Bytes child(kNonceSize);
  std::size_t got = 0;
  while (got < child.size()) {
    const ssize_t r = ::read(fds[0], child.data() + got, child.size() - got);
    REQUIRE(r > 0);
    got += static_cast<std::size_t>(r);
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  Bytes parent(kNonceSize);
  REQUIRE(random_nonces().fill(std::span<std::uint8_t, kNonceSize>(parent.data(), kNonceSize)).has_value());
  CHECK(child != parent);
  CHECK(seen.count(child) == 0);
}

TEST_CASE("a key id reloaded with other bytes uses the new bytes", "[unit]") {
  // Cipher contexts are cached per thread; they must follow the key, not its id.
  KeyDir a;
  a.write_hex_key("k1", kKeyHex);
  KeyDir b;
  b.write_hex_key("k1", kOtherKeyHex);
  auto ring_a = a.load("k1");
  auto ring_b = b.load("k1");
  const Bytes under_a = seal(ring_a, random_nonces(), kRow42, kCanary).value();
  const Bytes under_b = seal(ring_b, random_nonces(), kRow42, kCanary).value();
  CHECK(open_envelope(ring_a, kRow42, under_a).value() == kCanary);
  CHECK(open_envelope(ring_b, kRow42, under_b).value() == kCanary);
  CHECK(open_envelope(ring_b, kRow42, under_a).error().code == "crypto_tampered");
  CHECK(open_envelope(ring_a, kRow42, under_b).error().code == "crypto_tampered");

  // After the first keyring is gone, a new one with its bytes opens its values again.
  { auto dropped = std::move(ring_a); }
  auto reloaded = a.load("k1");
  CHECK(open_envelope(reloaded, kRow42, under_a).value() == kCanary);
  CHECK(open_envelope(reloaded, kRow42, under_b).error().code == "crypto_tampered");
}

TEST_CASE("a reload purges the old keys from every thread's cache, also an idle thread's", "[unit]") {
  KeyDir old_dir;
  old_dir.write_hex_key("k-removed", kKeyHex);
  auto ring = std::make_unique<Keyring>(old_dir.load("k-removed"));
  const Bytes sealed = seal(*ring, random_nonces(), kRow42, kCanary).value();
  const std::size_t before = detail::cached_contexts();

  // A worker uses the key once and then waits, never calling into the cipher code again.
  std::promise<void> used;
  std::promise<void> release;
  std::thread worker([&] {
    CHECK(open_envelope(*ring, kRow42, sealed).value() == kCanary);
    used.set_value();
    release.get_future().wait();
  });
  used.get_future().wait();
  CHECK(detail::cached_contexts() > before);

  // The reload: a keyring without the key takes the old one's place, and the old one goes (as
  // app/reload_keyring.cpp does on SIGHUP).
  KeyDir new_dir;
  new_dir.write_hex_key("k-new", kOtherKeyHex);
  {
    Keyring replaced = std::move(*ring);
    *ring = new_dir.load("k-new");
  }
  CHECK(detail::cached_contexts() == 0);  // the idle worker's contexts too
  CHECK(open_envelope(*ring, kRow42, sealed).error().code == "crypto_unknown_key");
  release.set_value();
  worker.join();
}

TEST_CASE("threads seal and open concurrently", "[unit]") {
  Fixture f;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string row = std::to_string(1000 + t);
      const Aad aad{kPurposeSellerToken, "seller_tokens", row};
      for (int i = 0; i < 500; ++i) {
        const std::string plain = kCanary + row + std::to_string(i);
        auto sealed = seal(f.ring, random_nonces(), aad, plain);
        if (!sealed) {
          ++failures;
          continue;
        }
        auto opened = open_envelope(f.ring, aad, *sealed);
        if (!opened || *opened != plain) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
}
