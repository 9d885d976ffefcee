// Fuzzes the SigV4 canonicalizer (s3/sigv4.hpp): URI encoding and decoding, path normalization,
// the canonical query and a whole header signature over a fuzzed method, path, query and headers.
// Input: fields separated by '\n' (method, path, then name=value query pairs and name:value
// headers).
#include "s3/sigv4.hpp"

#include <cstddef>
#include <cstdint>

using namespace blazed;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)s3::uri_decode(text);
  (void)s3::uri_encode(text, true);
  (void)s3::normalize_path(text);
  (void)s3::canonical_path(text, true);

  std::vector<std::string_view> fields;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t nl = text.find('\n', start);
    fields.push_back(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  s3::SignableRequest r;
  r.method = fields.size() > 0 ? std::string(fields[0]) : "GET";
  r.path = fields.size() > 1 ? std::string(fields[1]) : "/";
  r.headers.emplace_back("host", "bucket.s3.eu-west-1.amazonaws.com");
  for (std::size_t i = 2; i < fields.size(); ++i) {
    const auto f = fields[i];
    if (auto eq = f.find('='); eq != std::string_view::npos)
      r.query.emplace_back(std::string(f.substr(0, eq)), std::string(f.substr(eq + 1)));
    else if (auto colon = f.find(':'); colon != std::string_view::npos)
      r.headers.emplace_back(std::string(f.substr(0, colon)), std::string(f.substr(colon + 1)));
  }
  r.payload_hash = std::string(s3::kUnsignedPayload);
  (void)s3::canonical_query(r.query);
  s3::Credentials c{"AKIDEXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), Secret()};
  s3::SigningParams p;
  p.region = "eu-west-1";
  p.time = Clock::time_point(std::chrono::seconds(1'700'000'000));
  (void)s3::sign_headers(r, c, p);
  (void)s3::sign_query(r, c, p, 60);
  return 0;
}
