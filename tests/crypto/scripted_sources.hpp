// Owns the scripted nonce and random sources of the crypto tests: they hand out the byte
// strings they were given, in order, which is what makes the documented vectors reproducible.
#pragma once

#include "crypto/chunked_stream.hpp"
#include "crypto/hex.hpp"
#include "crypto/nonce.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <span>
#include <utility>

namespace blazed::testing {

// The queue both sources draw from; each value must fill the asked span exactly.
class ScriptedBytes {
 public:
  ScriptedBytes() = default;
  explicit ScriptedBytes(std::deque<crypto::Bytes> values) : values_(std::move(values)) {}
  void push(const crypto::Bytes& value) { values_.push_back(value); }
  void take(std::span<std::uint8_t> out) {
    REQUIRE_FALSE(values_.empty());
    REQUIRE(values_.front().size() == out.size());
    std::copy(values_.front().begin(), values_.front().end(), out.begin());
    values_.pop_front();
  }

 private:
  std::deque<crypto::Bytes> values_;
};

class ScriptedNonces final : public crypto::NonceSource {
 public:
  void push(const crypto::Bytes& nonce) { bytes_.push(nonce); }
  Status fill(std::span<std::uint8_t, crypto::kNonceSize> out) override {
    bytes_.take(out);
    return {};
  }

 private:
  ScriptedBytes bytes_;
};

class ScriptedRandom final : public crypto::RandomSource {
 public:
  explicit ScriptedRandom(std::deque<crypto::Bytes> values) : bytes_(std::move(values)) {}
  Status fill(std::span<std::uint8_t> out) override {
    bytes_.take(out);
    return {};
  }

 private:
  ScriptedBytes bytes_;
};

}  // namespace blazed::testing
