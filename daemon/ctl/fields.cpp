// Owns tolerant JSON field reads for blazectl's renderers (see fields.hpp).
#include "ctl/fields.hpp"

#include <charconv>

namespace blazed::ctl {

const boost::json::value* field(const boost::json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

std::string field_text(const boost::json::value& v, std::string_view key, std::string_view fallback) {
  const auto* f = field(v, key);
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string(fallback);
}

std::int64_t field_int(const boost::json::value& v, std::string_view key, std::int64_t fallback) {
  const auto* f = field(v, key);
  if (f != nullptr && f->is_int64()) return f->as_int64();
  if (f != nullptr && f->is_uint64()) return static_cast<std::int64_t>(f->as_uint64());
  return fallback;
}

bool field_bool(const boost::json::value& v, std::string_view key) {
  const auto* f = field(v, key);
  return f != nullptr && f->is_bool() && f->as_bool();
}

std::optional<std::int64_t> positive_id(std::string_view arg) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), id);
  if (ec != std::errc{} || end != arg.data() + arg.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace blazed::ctl
