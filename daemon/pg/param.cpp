// Owns the text encodings of parameter values: NUMERIC validation, UTC timestamps, bytea hex and
// array literals.
#include "pg/param.hpp"

#include "pg/errc.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace blazed::pg {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Consumes one or more digits at `i`.
bool digits(std::string_view s, std::size_t& i) {
  std::size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  return i > start;
}

}  // namespace

Result<Numeric> Numeric::parse(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  bool ok = digits(text, i);
  if (ok && i < text.size() && text[i] == '.') {
    ++i;
    ok = digits(text, i);
  }
  if (ok && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    ok = digits(text, i);
  }
  if (!ok || i != text.size()) return make_error(errc::invalid_numeric, "not a decimal number");
  return Numeric(std::string(text));
}

std::optional<std::string> to_text(std::string_view v) { return std::string(v); }
std::optional<std::string> to_text(const char* v) { return std::string(v); }
std::optional<std::string> to_text(bool v) { return v ? "true" : "false"; }
std::optional<std::string> to_text(const Numeric& v) { return v.text(); }

std::optional<std::string> to_text(Clock::time_point v) {
  using namespace std::chrono;
  auto micros = duration_cast<microseconds>(v.time_since_epoch()).count();
  auto secs = micros / 1'000'000;
  auto frac = micros % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return std::string(buf);
}

std::optional<std::string> to_text(const Bytes& v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + v.size() * 2);
  for (auto b : v) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

namespace {

void put_int32(std::string& out, std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  out += static_cast<char>(u >> 24);
  out += static_cast<char>(u >> 16);
  out += static_cast<char>(u >> 8);
  out += static_cast<char>(u);
}

constexpr std::int32_t kByteaOid = 17;

}  // namespace

std::string binary_bytea_array(const std::vector<Bytes>& elements) {
  std::size_t total = 20;
  for (const auto& e : elements) total += 4 + e.size();
  std::string out;
  out.reserve(total);
  // Header: dimensions, has-nulls flag, element type; then each dimension's length and lower
  // bound; then each element as its length and bytes. An empty array has no dimension.
  put_int32(out, elements.empty() ? 0 : 1);
  put_int32(out, 0);
  put_int32(out, kByteaOid);
  if (!elements.empty()) {
    put_int32(out, static_cast<std::int32_t>(elements.size()));
    put_int32(out, 1);
  }
  for (const auto& e : elements) {
    put_int32(out, static_cast<std::int32_t>(e.size()));
    out.append(reinterpret_cast<const char*>(e.data()), e.size());
  }
  return out;
}

std::string array_literal(const std::vector<std::optional<std::string>>& elements) {
  std::string out = "{";
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out += ',';
    if (!elements[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *elements[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace blazed::pg
