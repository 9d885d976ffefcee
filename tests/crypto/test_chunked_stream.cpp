// Owns the tests of the chunked backup format: the vectors of docs/backups.md byte for byte,
// streaming in arbitrary pieces, and one clear error for each kind of damage.
#include "crypto/chunked_stream.hpp"

#include "doc_vectors.hpp"
#include "harness/catch_result.hpp"
#include "key_dir.hpp"
#include "scripted_sources.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <set>

namespace {

using namespace blazed;
using namespace blazed::crypto;
using blazed::testing::KeyDir;
using blazed::testing::ScriptedRandom;
using blazed::testing::Vector;

// The ```vector blocks of docs/backups.md.
std::vector<Vector> backup_vectors() { return blazed::testing::doc_vectors_in("docs/backups.md"); }

Bytes hex(const std::string& h) {
  auto b = from_hex(h);
  REQUIRE(b);
  return *b;
}

class FixedNonces final : public NonceSource {
 public:
  explicit FixedNonces(Bytes n) : n_(std::move(n)) {}
  Status fill(std::span<std::uint8_t, kNonceSize> out) override {
    std::copy(n_.begin(), n_.end(), out.begin());
    return {};
  }

 private:
  Bytes n_;
};

class FailingRandom final : public RandomSource {
 public:
  Status fill(std::span<std::uint8_t>) override { return make_error("crypto_random", "no entropy"); }
};

struct Fixture {
  KeyDir dir;
  Keyring ring;
  Fixture() : ring(make()) {}
  Keyring make() {
    dir.write_hex_key("k2026a", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    dir.write_hex_key("k2026b", "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");
    return dir.load("k2026a");
  }
};

Bytes seal(const Keyring& ring, std::span<const std::uint8_t> plain, std::uint32_t chunk = 16) {
  auto b = seal_backup(ring.active(), random_nonces(), random_bytes(), plain, chunk);
  REQUIRE(b);
  return *b;
}

std::string code_of(const Keyring& ring, std::span<const std::uint8_t> backup) {
  auto r = open_backup(ring, backup);
  return r ? "ok" : r.error().code;
}

const Bytes kText = [] {
  Bytes b(100);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>('a' + i % 26);
  return b;
}();

// Frame offsets of a backup made by seal() with 16-byte chunks and key id k2026a.
constexpr std::size_t kHeader = 86 + 6;
constexpr std::size_t kFrame = 5 + 16 + 16;

TEST_CASE("docs/backups.md vectors, sealed and opened", "[unit][backup]") {
  const auto vectors = backup_vectors();
  REQUIRE(vectors.size() == 3);
  for (const auto& v : vectors) {
    DYNAMIC_SECTION(v.at("vector")) {
      KeyDir dir;
      dir.write_hex_key(v.at("key_id"), v.at("kek"));
      const Keyring ring = dir.load(v.at("key_id"));
      FixedNonces nonces(hex(v.at("wrap_nonce")));
      ScriptedRandom random({hex(v.at("data_key")), hex(v.at("backup_id"))});
      const Bytes plain = hex(v.at("plaintext"));
      const auto chunk = static_cast<std::uint32_t>(std::stoul(v.at("chunk_size")));
      auto sealed = seal_backup(ring.active(), nonces, random, plain, chunk);
      REQUIRE(sealed);
      CHECK(to_hex(*sealed) == v.at("backup"));

      auto opened = open_backup(ring, hex(v.at("backup")));
      REQUIRE(opened);
      CHECK(*opened == plain);
      auto header = parse_backup_header(hex(v.at("backup")));
      REQUIRE(header);
      CHECK(header->key_id == v.at("key_id"));
      CHECK(to_hex(header->backup_id) == v.at("backup_id"));
      CHECK(header->chunk_size == chunk);
    }
  }
}

TEST_CASE("round trips whatever the sizes and however the input is split", "[unit][backup]") {
  Fixture f;
  std::mt19937 rng(42);
  for (std::size_t size : {0, 1, 15, 16, 17, 32, 100, 1000, 4096 + 3}) {
    Bytes plain(size);
    for (auto& b : plain) b = static_cast<std::uint8_t>(rng());
    // Written in random pieces.
    auto w = ChunkedWriter::create(f.ring.active(), random_nonces(), random_bytes(), 64);
    REQUIRE(w);
    Bytes backup;
    for (std::size_t pos = 0; pos < size;) {
      const std::size_t n = std::min<std::size_t>(size - pos, rng() % 150);
      REQUIRE(w->write(std::span(plain).subspan(pos, n), backup));
      pos += n;
    }
    REQUIRE(w->finish(backup));
    CHECK(w->chunks_written() == size / 64 + 1);
    CHECK(backup.size() == 86 + 6 + (size / 64 + 1) * 21 + size);
    // Read in random pieces.
    ChunkedReader r(f.ring);
    Bytes out;
    for (std::size_t pos = 0; pos < backup.size();) {
      const std::size_t n = std::min<std::size_t>(backup.size() - pos, 1 + rng() % 90);
      REQUIRE(r.feed(std::span(backup).subspan(pos, n), out));
      pos += n;
    }
    REQUIRE(r.finish());
    CHECK(out == plain);
  }
}

TEST_CASE("two backups of the same bytes share nothing", "[unit][backup]") {
  Fixture f;
  const Bytes a = seal(f.ring, kText);
  const Bytes b = seal(f.ring, kText);
  CHECK(a.size() == b.size());
  CHECK(Bytes(a.begin() + kHeader, a.end()) != Bytes(b.begin() + kHeader, b.end()));
}

TEST_CASE("a cut anywhere is reported as truncation", "[unit][backup]") {
  Fixture f;
  const Bytes backup = seal(f.ring, kText);
  for (std::size_t cut = 0; cut < backup.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(code_of(f.ring, std::span(backup).first(cut)) == "backup_truncated");
  }
  CHECK(code_of(f.ring, backup) == "ok");
}

TEST_CASE("moved chunks are reported as reordering", "[unit][backup]") {
  Fixture f;
  Bytes backup = seal(f.ring, kText);  // 100 bytes: chunks 0-5 full, chunk 6 final (4 bytes)
  std::swap_ranges(backup.begin() + kHeader, backup.begin() + kHeader + kFrame,
                   backup.begin() + kHeader + 2 * kFrame);
  auto r = open_backup(f.ring, backup);
  REQUIRE(!r);
  CHECK(r.error().code == "backup_reordered");
  CHECK(r.error().message == "chunk at position 0 belongs at position 2");

  // A chunk dropped from the middle: the next one turns up one place early.
  Bytes dropped = seal(f.ring, kText);
  dropped.erase(dropped.begin() + kHeader + kFrame, dropped.begin() + kHeader + 2 * kFrame);
  CHECK(code_of(f.ring, dropped) == "backup_reordered");
}

TEST_CASE("every flipped bit is caught, with the error of the part it hit", "[unit][backup]") {
  Fixture f;
  const Bytes backup = seal(f.ring, kText);
  const std::set<std::string> header_codes = {"backup_malformed", "backup_unsupported_version",
                                              "backup_unknown_key", "backup_wrong_key",
                                              "backup_truncated"};
  for (std::size_t i = 0; i < backup.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 3) {
      Bytes bad = backup;
      bad[i] ^= static_cast<std::uint8_t>(1u << bit);
      const std::string code = code_of(f.ring, bad);
      INFO("byte " << i << " bit " << bit << ": " << code);
      if (i < kHeader) {
        CHECK(header_codes.count(code) == 1);
      } else if ((i - kHeader) % kFrame < 5) {
        // flag or length: impossible values are malformed, a changed length cuts the stream
        CHECK((code == "backup_malformed" || code == "backup_tampered" || code == "backup_truncated"));
      } else {
        CHECK(code == "backup_tampered");
      }
    }
  }
  // The data-key wrap and its tag specifically.
  Bytes bad = backup;
  bad[kHeader - 1] ^= 1;
  CHECK(code_of(f.ring, bad) == "backup_wrong_key");
}

TEST_CASE("the final flag is authenticated: a shortened backup cannot pose as complete", "[unit][backup]") {
  Fixture f;
  Bytes backup = seal(f.ring, kText);
  // Keep the first two chunks and mark the second one final.
  backup.resize(kHeader + 2 * kFrame);
  backup[kHeader + kFrame] = kFrameFinal;
  CHECK(code_of(f.ring, backup) == "backup_tampered");
}

TEST_CASE("a chunk from another backup is rejected", "[unit][backup]") {
  Fixture f;
  Bytes a = seal(f.ring, kText);
  const Bytes b = seal(f.ring, kText);
  std::copy(b.begin() + kHeader + kFrame, b.begin() + kHeader + 2 * kFrame, a.begin() + kHeader + kFrame);
  CHECK(code_of(f.ring, a) == "backup_tampered");
}

TEST_CASE("trailing bytes, wrong and unknown keys", "[unit][backup]") {
  Fixture f;
  Bytes backup = seal(f.ring, kText);
  Bytes longer = backup;
  longer.push_back(0);
  CHECK(code_of(f.ring, longer) == "backup_trailing_data");
  Bytes twice = backup;
  twice.insert(twice.end(), backup.begin() + kHeader, backup.end());
  CHECK(code_of(f.ring, twice) == "backup_trailing_data");

  KeyDir other;  // k2026a with other bytes
  other.write_hex_key("k2026a", "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  auto r = open_backup(other.load("k2026a"), backup);
  REQUIRE(!r);
  CHECK(r.error().code == "backup_wrong_key");
  CHECK(r.error().message.find("k2026a") != std::string::npos);

  KeyDir none;
  none.write_hex_key("k2027", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  CHECK(code_of(none.load("k2027"), backup) == "backup_unknown_key");

  // Under a non-active key of the ring: still opens (the header names the key).
  KeyDir rotated;
  rotated.write_hex_key("k2026a", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  rotated.write_hex_key("k2027", "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");
  CHECK(code_of(rotated.load("k2027"), backup) == "ok");

  const Bytes junk = {'P', 'G', 'D', 'M', 'P', 0, 0, 0};
  CHECK(code_of(f.ring, junk) == "backup_malformed");
  Bytes v2 = backup;
  v2[4] = 2;
  CHECK(code_of(f.ring, v2) == "backup_unsupported_version");
}

TEST_CASE("no plaintext of an unauthenticated chunk is ever handed out", "[unit][backup]") {
  Fixture f;
  Bytes backup = seal(f.ring, kText);
  backup[kHeader + 2 * kFrame + 7] ^= 0x80;  // inside chunk 2's ciphertext
  ChunkedReader r(f.ring);
  Bytes out;
  auto st = r.feed(backup, out);
  REQUIRE(!st);
  CHECK(st.error().code == "backup_tampered");
  CHECK(out == Bytes(kText.begin(), kText.begin() + 32));  // chunks 0 and 1 only
  // Poisoned: the same error from then on.
  CHECK(r.feed(backup, out).error().code == "backup_tampered");
  CHECK(r.finish().error().code == "backup_tampered");
  CHECK(out.size() == 32);
}

TEST_CASE("writer failures are values", "[unit][backup]") {
  Fixture f;
  FailingRandom bad;
  auto w = ChunkedWriter::create(f.ring.active(), random_nonces(), bad, 16);
  REQUIRE(!w);
  CHECK(w.error().code == "crypto_random");
  auto small = ChunkedWriter::create(f.ring.active(), random_nonces(), random_bytes(), 8);
  REQUIRE(!small);
  CHECK(small.error().code == "backup_bad_chunk_size");
  auto ok = ChunkedWriter::create(f.ring.active(), random_nonces(), random_bytes(), 16);
  REQUIRE(ok);
  Bytes out;
  REQUIRE(ok->finish(out));
  CHECK(ok->write(kText, out).error().code == "backup_finished");
}

}  // namespace
