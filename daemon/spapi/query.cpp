// Owns percent-encoding and query-string assembly.
#include "spapi/query.hpp"

namespace blazed::spapi {

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '.' || u == '_' || u == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 0xF]);
    }
  }
  return out;
}

Query& Query::add(std::string_view name, std::string_view value) {
  if (!text_.empty()) text_.push_back('&');
  text_ += percent_encode(name);
  text_.push_back('=');
  text_ += percent_encode(value);
  return *this;
}

Query& Query::add_list(std::string_view name, const std::vector<std::string>& values) {
  std::string joined;
  for (const auto& v : values) {
    if (!joined.empty()) joined.push_back(',');
    joined += percent_encode(v);
  }
  if (!text_.empty()) text_.push_back('&');
  text_ += percent_encode(name);
  text_.push_back('=');
  text_ += joined;
  return *this;
}

}  // namespace blazed::spapi
