// Owns Reply: one Redis reply as a plain value (nil, integer, string, status, error, array).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::redis {

class Reply {
 public:
  enum class Type { nil, integer, string, status, error, array };

  Reply() = default;  // nil
  static Reply integer(std::int64_t v);
  static Reply string(std::string s);
  static Reply status(std::string s);
  static Reply error(std::string s);
  static Reply array(std::vector<Reply> elements);

  [[nodiscard]] Type type() const noexcept { return type_; }
  [[nodiscard]] bool is_nil() const noexcept { return type_ == Type::nil; }
  [[nodiscard]] bool is_integer() const noexcept { return type_ == Type::integer; }
  [[nodiscard]] bool is_string() const noexcept { return type_ == Type::string; }
  [[nodiscard]] bool is_status() const noexcept { return type_ == Type::status; }
  [[nodiscard]] bool is_error() const noexcept { return type_ == Type::error; }
  [[nodiscard]] bool is_array() const noexcept { return type_ == Type::array; }

  // The integer of an integer reply; 0 for any other type.
  [[nodiscard]] std::int64_t as_integer() const noexcept { return int_; }
  // The text of a string, status or error reply; empty for any other type.
  [[nodiscard]] const std::string& str() const noexcept { return str_; }
  // The elements of an array reply; empty for any other type.
  [[nodiscard]] const std::vector<Reply>& elements() const noexcept { return elements_; }
  [[nodiscard]] std::vector<Reply>& elements() noexcept { return elements_; }
  [[nodiscard]] std::size_t size() const noexcept { return elements_.size(); }
  // Element i of an array; a nil reply when out of range, so chained lookups stay safe.
  [[nodiscard]] const Reply& operator[](std::size_t i) const noexcept;

  // An integer reply, or a string reply holding a base-10 integer (what Lua and HGET return).
  [[nodiscard]] std::optional<std::int64_t> to_int() const noexcept;
  // The status text equals `s` ("OK", "PONG", "QUEUED").
  [[nodiscard]] bool is_status(std::string_view s) const noexcept {
    return type_ == Type::status && str_ == s;
  }

  friend bool operator==(const Reply&, const Reply&) = default;

 private:
  Type type_ = Type::nil;
  std::int64_t int_ = 0;
  std::string str_;
  std::vector<Reply> elements_;
};

// A short human description for test failures and debug logs: type and size, never the content,
// since replies may carry payload data.
std::string describe(const Reply& r);

}  // namespace blazed::redis
