// Owns query strings for SP-API requests: RFC 3986 percent-encoding and list parameters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace blazed::spapi {

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view s);

// Builds "a=1&b=x%20y" in insertion order. List values are encoded one by one and joined
// with a literal comma (SP-API's form for marketplaceIds, includedData...).
class Query {
 public:
  Query& add(std::string_view name, std::string_view value);
  Query& add_list(std::string_view name, const std::vector<std::string>& values);
  [[nodiscard]] const std::string& str() const { return text_; }

 private:
  std::string text_;
};

}  // namespace blazed::spapi
