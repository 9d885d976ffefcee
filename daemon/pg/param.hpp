// Owns statement parameters: how C++ values travel to PostgreSQL (text format, bytea as binary),
// including NUMERIC kept as exact text and arrays for one-statement bulk writes (unnest).
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace blazed::pg {

// Raw bytes for a bytea column (ciphertexts, nonces).
using Bytes = std::vector<std::uint8_t>;

// An exact decimal (money) as its text, e.g. "12.30". Never a double: values come from JSON text
// and go to NUMERIC columns unchanged.
class Numeric {
 public:
  Numeric() : text_("0") {}
  // Accepts JSON number syntax: -?digits[.digits][e[+-]digits]. The error carries no value.
  static Result<Numeric> parse(std::string_view text);
  [[nodiscard]] const std::string& text() const { return text_; }
  friend bool operator==(const Numeric&, const Numeric&) = default;

 private:
  explicit Numeric(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

// Text form of a value as PostgreSQL reads it; nullopt is NULL. Timestamps are UTC with
// microseconds; bytea is "\x" hex (used inside arrays; a lone bytea parameter goes binary).
std::optional<std::string> to_text(std::string_view v);
std::optional<std::string> to_text(const char* v);
template <class I>
  requires std::is_integral_v<I> && (!std::is_same_v<I, bool>)
std::optional<std::string> to_text(I v) {
  return std::to_string(v);
}
std::optional<std::string> to_text(bool v);
std::optional<std::string> to_text(const Numeric& v);
std::optional<std::string> to_text(Clock::time_point v);
std::optional<std::string> to_text(const Bytes& v);

// A one-dimensional bytea[] in PostgreSQL's binary array format (array_recv): a ciphertext batch
// travels as its bytes instead of twice its size in hex that the server must parse back.
std::string binary_bytea_array(const std::vector<Bytes>& elements);

// A PostgreSQL array literal ({"a","b",NULL}) from element texts; every element is quoted, so
// the string "NULL" stays a string.
std::string array_literal(const std::vector<std::optional<std::string>>& elements);

template <class T>
concept TextEncodable = requires(const T& v) {
  { to_text(v) } -> std::same_as<std::optional<std::string>>;
};

// One statement parameter. Statements take values only through these, never spliced into SQL.
class Param {
 public:
  Param(std::nullopt_t) : null_(true) {}
  Param(std::string_view v) : text_(v) {}
  Param(const std::string& v) : text_(v) {}
  Param(std::string&& v) : text_(std::move(v)) {}
  Param(const char* v) : text_(v) {}
  Param(bool v) : text_(v ? "true" : "false") {}
  template <class I>
    requires std::is_integral_v<I> && (!std::is_same_v<I, bool>) && (!std::is_same_v<I, char>)
  Param(I v) : text_(std::to_string(v)) {}
  Param(const Numeric& v) : text_(v.text()) {}
  Param(Clock::time_point v) : text_(*to_text(v)) {}
  Param(const Bytes& v) : text_(v.begin(), v.end()), binary_(true) {}

  template <class T>
  Param(const std::optional<T>& v) : Param(v ? Param(*v) : Param(std::nullopt)) {}

  // A bytea[] parameter goes binary (see binary_bytea_array); cast it, e.g. `$2::bytea[]`.
  Param(const std::vector<Bytes>& elements) : text_(binary_bytea_array(elements)), binary_(true) {}

  // An array parameter, e.g. `unnest($1::bigint[], $2::numeric[])`.
  template <class T>
    requires TextEncodable<T>
  Param(const std::vector<T>& elements) : text_(encode_array(elements)) {}
  template <class T>
    requires TextEncodable<T>
  Param(const std::vector<std::optional<T>>& elements) : text_(encode_array(elements)) {}

  [[nodiscard]] bool is_null() const { return null_; }
  [[nodiscard]] bool is_binary() const { return binary_; }
  [[nodiscard]] const std::string& data() const { return text_; }

 private:
  template <class T>
  static std::string encode_array(const std::vector<T>& elements) {
    std::vector<std::optional<std::string>> texts;
    texts.reserve(elements.size());
    for (const auto& e : elements) {
      if constexpr (requires { e.has_value(); }) {
        texts.push_back(e ? to_text(*e) : std::nullopt);
      } else {
        texts.push_back(to_text(e));
      }
    }
    return array_literal(texts);
  }

  std::string text_;
  bool null_ = false;
  bool binary_ = false;
};

}  // namespace blazed::pg
