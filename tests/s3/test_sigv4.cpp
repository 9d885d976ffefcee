// Owns the SigV4 signer's proof: every case of the AWS signing test suite (tests/s3/vectors/v4,
// header and query signing) and the S3 worked examples, step by step.
#include "s3/sigv4.hpp"
#include "signing_vectors.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <sstream>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace blazed::s3;
using blazed::testing::parse_query;
using blazed::testing::slurp;

const fs::path kVectors = fs::path(BLAZED_SOURCE_DIR) / "tests/s3/vectors";

blazed::Clock::time_point parse_time(std::string_view iso) {
  std::tm tm{};
  std::istringstream in{std::string(iso)};
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  REQUIRE(!in.fail());
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

struct ParsedRequest {
  SignableRequest req;
  std::string body;
};

// request.txt: "METHOD TARGET HTTP/1.1", "Name:value" lines (continuations start with spaces),
// a blank line, the body. The target's path is raw; its query may be raw or percent-encoded.
ParsedRequest parse_request(const std::string& text) {
  ParsedRequest out;
  std::size_t pos = 0;
  auto next_line = [&](std::string& line) {
    if (pos > text.size()) return false;
    const std::size_t nl = text.find('\n', pos);
    line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() + 1 : nl + 1;
    return true;
  };
  std::string line;
  REQUIRE(next_line(line));
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  out.req.method = line.substr(0, sp1);
  const std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto q = target.find('?');
  out.req.path = target.substr(0, q);
  if (q != std::string::npos) out.req.query = parse_query(std::string_view(target).substr(q + 1));
  while (next_line(line) && !line.empty()) {
    if (line.front() == ' ' && !out.req.headers.empty()) {
      out.req.headers.back().second += "\n" + line;
      continue;
    }
    const auto colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    out.req.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  if (pos <= text.size()) out.body = text.substr(pos);
  return out;
}

// The Authorization line of a signed request, or the query of a presigned request line.
std::string line_starting(const std::string& text, std::string_view prefix) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  return {};
}

TEST_CASE("every AWS SigV4 suite case, header and query signing", "[unit][sigv4]") {
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(kVectors / "v4")) {
    const fs::path dir = entry.path();
    DYNAMIC_SECTION(dir.filename().string()) {
      const json::object ctx = json::parse(slurp(dir / "context.json")).as_object();
      const json::object& cred = ctx.at("credentials").as_object();
      Credentials c;
      c.access_key_id = json::value_to<std::string>(cred.at("access_key_id"));
      c.secret_access_key = blazed::Secret(json::value_to<std::string>(cred.at("secret_access_key")));
      if (cred.contains("token")) c.session_token = blazed::Secret(json::value_to<std::string>(cred.at("token")));
      SigningParams p;
      p.region = json::value_to<std::string>(ctx.at("region"));
      p.service = json::value_to<std::string>(ctx.at("service"));
      p.time = parse_time(ctx.at("timestamp").as_string());
      p.normalize = ctx.at("normalize").as_bool();
      p.omit_session_token = ctx.contains("omit_session_token") && ctx.at("omit_session_token").as_bool();
      const bool sign_body = ctx.at("sign_body").as_bool();

      ParsedRequest parsed = parse_request(slurp(dir / "request.txt"));
      parsed.req.payload_hash = sha256_hex(parsed.body);

      SignableRequest hreq = parsed.req;
      if (sign_body) hreq.headers.emplace_back("x-amz-content-sha256", hreq.payload_hash);
      const Signature h = sign_headers(hreq, c, p);
      CHECK(h.canonical_request == slurp(dir / "header-canonical-request.txt"));
      CHECK(h.string_to_sign == slurp(dir / "header-string-to-sign.txt"));
      CHECK(h.signature == slurp(dir / "header-signature.txt"));
      CHECK(h.authorization == line_starting(slurp(dir / "header-signed-request.txt"), "Authorization:"));

      const long expires = static_cast<long>(ctx.at("expiration_in_seconds").as_int64());
      const Signature qs = sign_query(parsed.req, c, p, expires);
      CHECK(qs.canonical_request == slurp(dir / "query-canonical-request.txt"));
      CHECK(qs.string_to_sign == slurp(dir / "query-string-to-sign.txt"));
      CHECK(qs.signature == slurp(dir / "query-signature.txt"));
      // The presigned request line carries the same parameters (in AWS's emitted order).
      const std::string signed_line = slurp(dir / "query-signed-request.txt");
      for (const auto& [k, v] : qs.added)
        CHECK(signed_line.find(k + "=" + uri_encode(v, false)) != std::string::npos);
    }
    ++cases;
  }
  CHECK(cases == 38);
}

TEST_CASE("the S3 worked examples (service s3)", "[unit][sigv4]") {
  const json::object doc =
      json::parse(slurp(kVectors / "s3-examples/s3-doc-examples.json")).as_object();
  Credentials c;
  c.access_key_id = json::value_to<std::string>(doc.at("credentials").at("access_key_id"));
  c.secret_access_key =
      blazed::Secret(json::value_to<std::string>(doc.at("credentials").at("secret_access_key")));
  SigningParams p;
  p.region = json::value_to<std::string>(doc.at("region"));
  p.service = json::value_to<std::string>(doc.at("service"));
  p.time = parse_time(doc.at("timestamp").as_string());

  for (const auto& v : doc.at("cases").as_array()) {
    const json::object& tc = v.as_object();
    DYNAMIC_SECTION(json::value_to<std::string>(tc.at("name"))) {
      const std::string url = json::value_to<std::string>(tc.at("url"));
      const std::string rest = url.substr(std::string("https://").size());
      const std::string host = rest.substr(0, rest.find('/'));
      const std::string target = rest.substr(rest.find('/'));
      SignableRequest r;
      r.method = json::value_to<std::string>(tc.at("method"));
      const auto q = target.find('?');
      r.path = target.substr(0, q);
      // The examples' queries carry no escapes: decoding leaves them as they are.
      if (q != std::string::npos) r.query = parse_query(std::string_view(target).substr(q + 1));
      r.headers.emplace_back("Host", host);
      for (const auto& [k, hv] : tc.at("extra_headers").as_object())
        r.headers.emplace_back(std::string(k), json::value_to<std::string>(hv));
      const std::string body = json::value_to<std::string>(tc.at("body"));
      Signature s;
      if (tc.contains("expires_seconds")) {
        r.payload_hash = std::string(kUnsignedPayload);
        s = sign_query(r, c, p, static_cast<long>(tc.at("expires_seconds").as_int64()));
        // AWS's example lists the parameters in canonical (sorted) order, signature last.
        std::vector<QueryParam> params(s.added.begin(), s.added.end() - 1);
        const std::string presigned = "https://" + host + canonical_path(r.path, false) + "?" +
                                      canonical_query(params) + "&X-Amz-Signature=" + s.signature;
        CHECK(presigned == json::value_to<std::string>(tc.at("presigned_url")));
      } else {
        r.payload_hash = sha256_hex(body);
        r.headers.emplace_back("x-amz-content-sha256", r.payload_hash);
        s = sign_headers(r, c, p);
        CHECK(s.authorization == json::value_to<std::string>(tc.at("authorization")));
      }
      CHECK(s.canonical_request == json::value_to<std::string>(tc.at("canonical_request")));
      CHECK(s.string_to_sign == json::value_to<std::string>(tc.at("string_to_sign")));
      CHECK(s.signature == json::value_to<std::string>(tc.at("signature")));
    }
  }

  SECTION("streaming upload: seed, chunk and trailer signatures") {
    const json::object& st = doc.at("streaming").as_object();
    const std::string url = json::value_to<std::string>(st.at("url"));
    SignableRequest r;
    r.method = json::value_to<std::string>(st.at("method"));
    r.path = url.substr(url.find('/', 8));
    for (const auto& [k, hv] : st.at("headers").as_object())
      if (k != "x-amz-date") r.headers.emplace_back(std::string(k), json::value_to<std::string>(hv));
    r.payload_hash = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    const Signature s = sign_headers(r, c, p);
    CHECK(s.canonical_request == json::value_to<std::string>(st.at("canonical_request")));
    CHECK(s.string_to_sign == json::value_to<std::string>(st.at("string_to_sign")));
    CHECK(s.signature == json::value_to<std::string>(st.at("seed_signature")));
    std::string previous = s.signature;
    for (const auto& ch : st.at("chunks").as_array()) {
      const std::string data(static_cast<std::size_t>(ch.at("length").as_int64()), 'a');
      previous = chunk_signature(c, p, previous, data);
      CHECK(previous == json::value_to<std::string>(ch.at("signature")));
    }
    const json::object& tr = st.at("trailer").as_object();
    CHECK(trailer_signature(c, p, previous, json::value_to<std::string>(tr.at("canonical_trailer"))) ==
          json::value_to<std::string>(tr.at("signature")));
  }
}

TEST_CASE("URI encoding and path normalisation", "[unit][sigv4]") {
  CHECK(uri_encode("a b/c~d$e", true) == "a%20b/c~d%24e");
  CHECK(uri_encode("a/b", false) == "a%2Fb");
  CHECK(uri_encode("\xE1\x88\xB4", false) == "%E1%88%B4");
  CHECK(uri_decode("%E1%88%B4%zz%4") == "\xE1\x88\xB4%zz%4");
  CHECK(canonical_path("/a/./b//../c", false) == "/a/./b//../c");
  CHECK(canonical_path("/a/./b//../c", true) == "/a/c");
  CHECK(normalize_path("//example//") == "/example/");
  CHECK(normalize_path("/example/..") == "/");
  CHECK(canonical_query({{"b", "2"}, {"a", "x y"}, {"a", "1"}, {"lifecycle", ""}}) ==
        "a=1&a=x%20y&b=2&lifecycle=");
}

}  // namespace
