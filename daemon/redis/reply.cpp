// Owns Reply's constructors and conversions.
#include "redis/reply.hpp"

#include <charconv>

namespace blazed::redis {

Reply Reply::integer(std::int64_t v) {
  Reply r;
  r.type_ = Type::integer;
  r.int_ = v;
  return r;
}

Reply Reply::string(std::string s) {
  Reply r;
  r.type_ = Type::string;
  r.str_ = std::move(s);
  return r;
}

Reply Reply::status(std::string s) {
  Reply r;
  r.type_ = Type::status;
  r.str_ = std::move(s);
  return r;
}

Reply Reply::error(std::string s) {
  Reply r;
  r.type_ = Type::error;
  r.str_ = std::move(s);
  return r;
}

Reply Reply::array(std::vector<Reply> elements) {
  Reply r;
  r.type_ = Type::array;
  r.elements_ = std::move(elements);
  return r;
}

const Reply& Reply::operator[](std::size_t i) const noexcept {
  static const Reply nil;
  return i < elements_.size() ? elements_[i] : nil;
}

std::optional<std::int64_t> Reply::to_int() const noexcept {
  if (type_ == Type::integer) return int_;
  if (type_ != Type::string || str_.empty()) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(str_.data(), str_.data() + str_.size(), v);
  if (ec != std::errc{} || end != str_.data() + str_.size()) return std::nullopt;
  return v;
}

std::string describe(const Reply& r) {
  switch (r.type()) {
    case Reply::Type::nil: return "nil";
    case Reply::Type::integer: return "integer";
    case Reply::Type::string: return "string(" + std::to_string(r.str().size()) + " bytes)";
    case Reply::Type::status: return "status";
    case Reply::Type::error: return "error";
    case Reply::Type::array: return "array(" + std::to_string(r.size()) + ")";
  }
  return "unknown";
}

}  // namespace blazed::redis
