// Owns the SigV4 computations (canonical request, string to sign, HMAC chain) on OpenSSL.
#include "s3/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <map>
#include <new>

namespace blazed::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr char kHex[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";

std::string hex(const unsigned char* p, std::size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 0xF]);
  }
  return out;
}

std::array<unsigned char, 32> hmac(std::string_view key, std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &len) == nullptr)
    throw std::bad_alloc();  // only on allocation failure inside OpenSSL
  return out;
}

std::string_view view(const std::array<unsigned char, 32>& a) {
  return {reinterpret_cast<const char*>(a.data()), a.size()};
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Trims and collapses runs of whitespace (folded lines included) into one space.
std::string canonical_value(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;   // "name:value\n" lines
  std::string signed_names;  // "a;b;c"
};

CanonicalHeaders canonical_headers(const std::vector<Header>& headers) {
  // Names sorted; values of repeated names joined with ',' in the order they were given.
  std::map<std::string, std::string> merged;
  for (const auto& [name, value] : headers) {
    auto [it, fresh] = merged.try_emplace(lower(name), canonical_value(value));
    if (!fresh) it->second += "," + canonical_value(value);
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.block += name + ":" + value + "\n";
    if (!out.signed_names.empty()) out.signed_names += ";";
    out.signed_names += name;
  }
  return out;
}

std::string scope(std::string_view day, const SigningParams& p) {
  return std::string(day) + "/" + p.region + "/" + p.service + "/aws4_request";
}

std::string string_to_sign(std::string_view date, std::string_view scope_text,
                           std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::string(date) + "\n" + std::string(scope_text) +
         "\n" + sha256_hex(canonical_request);
}

std::string build_canonical_request(const SignableRequest& r, const std::vector<QueryParam>& query,
                                    const CanonicalHeaders& h, bool normalize) {
  return r.method + "\n" + canonical_path(r.path, normalize) + "\n" + canonical_query(query) +
         "\n" + h.block + "\n" + h.signed_names + "\n" + r.payload_hash;
}

std::string signature_hex(const Credentials& c, const SigningParams& p, std::string_view day,
                          std::string_view sts) {
  const std::string key = signing_key(c.secret_access_key, day, p.region, p.service);
  const auto sig = hmac(key, sts);
  return hex(sig.data(), sig.size());
}

}  // namespace

std::string uri_encode(std::string_view raw, bool keep_slash) {
  std::string out;
  out.reserve(raw.size() * 3 / 2);
  for (unsigned char c : raw) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 0xF]);
    }
  }
  return out;
}

std::string uri_decode(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size()) {
      const int hi = hex_value(encoded[i + 1]);
      const int lo = hex_value(encoded[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(encoded[i]);
  }
  return out;
}

std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t pos = 0;
  bool trailing = false;
  while (pos <= path.size()) {
    const std::size_t next = std::min(path.find('/', pos), path.size());
    const std::string_view seg = path.substr(pos, next - pos);
    trailing = seg.empty() || seg == "." || seg == "..";
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    pos = next + 1;
  }
  std::string out;
  for (auto seg : segments) out += "/" + std::string(seg);
  if (out.empty() || trailing) out += "/";
  return out;
}

std::string amz_date(Clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string amz_day(Clock::time_point t) { return amz_date(t).substr(0, 8); }

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1)
    throw std::bad_alloc();
  return hex(out.data(), out.size());
}

std::string canonical_path(std::string_view raw_path, bool normalize) {
  if (raw_path.empty()) return "/";
  return uri_encode(normalize ? normalize_path(raw_path) : std::string(raw_path), true);
}

std::string canonical_query(const std::vector<QueryParam>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [k, v] : query) encoded.emplace_back(uri_encode(k, false), uri_encode(v, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += "&";
    out += k + "=" + v;
  }
  return out;
}

std::string signing_key(const Secret& secret_access_key, std::string_view day,
                        std::string_view region, std::string_view service) {
  std::string seed = "AWS4";
  seed += secret_access_key.reveal();
  auto k = hmac(seed, day);
  secure_wipe(seed.data(), seed.size());
  k = hmac(view(k), region);
  k = hmac(view(k), service);
  k = hmac(view(k), "aws4_request");
  return std::string(view(k));
}

Signature sign_headers(const SignableRequest& request, const Credentials& credentials,
                       const SigningParams& params) {
  const std::string date = amz_date(params.time);
  const std::string day = date.substr(0, 8);
  Signature out;
  std::vector<Header> headers = request.headers;
  headers.emplace_back("X-Amz-Date", date);
  out.added.emplace_back("X-Amz-Date", date);
  const bool token = !credentials.session_token.empty();
  if (token) {
    const Header h{"X-Amz-Security-Token", std::string(credentials.session_token.reveal())};
    if (!params.omit_session_token) headers.push_back(h);
    out.added.push_back(h);
  }
  const CanonicalHeaders ch = canonical_headers(headers);
  out.canonical_request = build_canonical_request(request, request.query, ch, params.normalize);
  const std::string scope_text = scope(day, params);
  out.string_to_sign = string_to_sign(date, scope_text, out.canonical_request);
  out.signature = signature_hex(credentials, params, day, out.string_to_sign);
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                      scope_text + ", SignedHeaders=" + ch.signed_names +
                      ", Signature=" + out.signature;
  out.added.emplace_back("Authorization", out.authorization);
  return out;
}

Signature sign_query(const SignableRequest& request, const Credentials& credentials,
                     const SigningParams& params, long expires_seconds) {
  const std::string date = amz_date(params.time);
  const std::string day = date.substr(0, 8);
  const std::string scope_text = scope(day, params);
  const CanonicalHeaders ch = canonical_headers(request.headers);
  Signature out;
  out.added = {{"X-Amz-Algorithm", std::string(kAlgorithm)},
               {"X-Amz-Credential", credentials.access_key_id + "/" + scope_text},
               {"X-Amz-Date", date},
               {"X-Amz-SignedHeaders", ch.signed_names},
               {"X-Amz-Expires", std::to_string(expires_seconds)}};
  const bool token = !credentials.session_token.empty();
  if (token) out.added.emplace_back("X-Amz-Security-Token", std::string(credentials.session_token.reveal()));
  std::vector<QueryParam> query = request.query;
  for (const auto& p : out.added) {
    if (p.first == "X-Amz-Security-Token" && params.omit_session_token) continue;
    query.push_back(p);
  }
  out.canonical_request = build_canonical_request(request, query, ch, params.normalize);
  out.string_to_sign = string_to_sign(date, scope_text, out.canonical_request);
  out.signature = signature_hex(credentials, params, day, out.string_to_sign);
  out.added.emplace_back("X-Amz-Signature", out.signature);
  return out;
}

std::string chunk_signature(const Credentials& credentials, const SigningParams& params,
                            std::string_view previous_signature, std::string_view chunk) {
  const std::string date = amz_date(params.time);
  const std::string day = date.substr(0, 8);
  const std::string sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + date + "\n" + scope(day, params) + "\n" +
                          std::string(previous_signature) + "\n" + std::string(kEmptyPayloadHash) +
                          "\n" + sha256_hex(chunk);
  return signature_hex(credentials, params, day, sts);
}

std::string trailer_signature(const Credentials& credentials, const SigningParams& params,
                              std::string_view previous_signature,
                              std::string_view canonical_trailer) {
  const std::string date = amz_date(params.time);
  const std::string day = date.substr(0, 8);
  const std::string sts = "AWS4-HMAC-SHA256-TRAILER\n" + date + "\n" + scope(day, params) + "\n" +
                          std::string(previous_signature) + "\n" + sha256_hex(canonical_trailer);
  return signature_hex(credentials, params, day, sts);
}

}  // namespace blazed::s3
