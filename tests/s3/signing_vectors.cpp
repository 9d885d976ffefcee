// Owns reading the signing test vectors: files and request-target queries.
#include "signing_vectors.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace blazed::testing {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<s3::QueryParam> parse_query(std::string_view query) {
  std::vector<s3::QueryParam> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    const auto eq = part.find('=');
    out.emplace_back(s3::uri_decode(part.substr(0, eq)),
                     eq == std::string_view::npos ? "" : s3::uri_decode(part.substr(eq + 1)));
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return out;
}

}  // namespace blazed::testing
