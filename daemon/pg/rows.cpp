// Owns reading libpq results: row/column access and the text decoders of the column types blazed
// uses.
#include "pg/rows.hpp"

#include "pg/errc.hpp"

#include <libpq-fe.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <ctime>

namespace blazed::pg {
namespace {

Error bad(std::string_view type) { return make_error(errc::pg_decode, "not a valid " + std::string(type)); }

template <class I>
Status parse_int(std::string_view text, I& out, std::string_view type) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || p != text.data() + text.size()) return bad(type);
  return {};
}

// Reads exactly `n` digits at `i` into `out`.
bool fixed_digits(std::string_view s, std::size_t& i, std::size_t n, int& out) {
  if (i + n > s.size()) return false;
  out = 0;
  for (std::size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  i += n;
  return true;
}

bool expect(std::string_view s, std::size_t& i, char c) {
  if (i >= s.size() || s[i] != c) return false;
  ++i;
  return true;
}

}  // namespace

Status decode(std::string_view text, std::string& out) {
  out.assign(text);
  return {};
}
Status decode(std::string_view text, std::int64_t& out) { return parse_int(text, out, "bigint"); }
Status decode(std::string_view text, int& out) { return parse_int(text, out, "integer"); }

Status decode(std::string_view text, bool& out) {
  if (text == "t") out = true;
  else if (text == "f") out = false;
  else return bad("boolean");
  return {};
}

Status decode(std::string_view text, double& out) {
  std::string s(text);
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) return bad("double precision");
  return {};
}

Status decode(std::string_view text, Numeric& out) {
  auto n = Numeric::parse(text);
  if (!n) return bad("numeric");
  out = std::move(*n);
  return {};
}

Status decode(std::string_view text, Bytes& out) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0)
    return bad("bytea");
  // A table lookup per digit: rotation and sync read ciphertexts in bulk, and a branchy
  // per-character decode showed up as a third of a rotation batch's client time.
  static constexpr auto kNibble = [] {
    std::array<std::int8_t, 256> t{};
    t.fill(-1);
    for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<std::int8_t>(c);
    for (int c = 0; c < 6; ++c) {
      t['a' + c] = static_cast<std::int8_t>(10 + c);
      t['A' + c] = static_cast<std::int8_t>(10 + c);
    }
    return t;
  }();
  const std::size_t n = (text.size() - 2) / 2;
  out.resize(n);
  const auto* in = reinterpret_cast<const unsigned char*>(text.data() + 2);
  int invalid = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int hi = kNibble[in[2 * i]];
    const int lo = kNibble[in[2 * i + 1]];
    invalid |= hi | lo;  // negative (-1) when either digit is not hex
    out[i] = static_cast<std::uint8_t>((hi << 4) | (lo & 0xf));
  }
  if (invalid < 0) {
    out.clear();
    return bad("bytea");
  }
  return {};
}

// "2026-11-29 20:21:53.123456+00": the connection sets TimeZone=UTC and DateStyle=ISO.
Status decode(std::string_view text, Clock::time_point& out) {
  std::size_t i = 0;
  int year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0;
  bool ok = fixed_digits(text, i, 4, year) && expect(text, i, '-') &&
            fixed_digits(text, i, 2, mon) && expect(text, i, '-') &&
            fixed_digits(text, i, 2, day) && expect(text, i, ' ') &&
            fixed_digits(text, i, 2, hour) && expect(text, i, ':') &&
            fixed_digits(text, i, 2, min) && expect(text, i, ':') && fixed_digits(text, i, 2, sec);
  if (!ok) return bad("timestamptz");
  long long micros = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int scale = 100'000;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      micros += (text[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  if (text.substr(i) != "+00") return bad("timestamptz");
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm);
  out = Clock::time_point(std::chrono::duration_cast<Clock::duration>(
      std::chrono::seconds(t) + std::chrono::microseconds(micros)));
  return {};
}

bool Row::is_null(std::size_t col) const {
  return PQgetisnull(result_, row_, static_cast<int>(col)) != 0;
}

std::optional<std::string_view> Row::text(std::size_t col) const {
  if (row_ >= PQntuples(result_) || static_cast<int>(col) >= PQnfields(result_) || is_null(col))
    return std::nullopt;
  return std::string_view(PQgetvalue(result_, row_, static_cast<int>(col)),
                          static_cast<std::size_t>(PQgetlength(result_, row_, static_cast<int>(col))));
}

std::optional<std::size_t> Row::index_of(std::string_view column) const {
  int n = PQnfields(result_);
  for (int c = 0; c < n; ++c)
    if (column == PQfname(result_, c)) return static_cast<std::size_t>(c);
  return std::nullopt;
}

std::size_t Rows::size() const {
  return result_ ? static_cast<std::size_t>(PQntuples(result_.get())) : 0;
}

std::size_t Rows::columns() const {
  return result_ ? static_cast<std::size_t>(PQnfields(result_.get())) : 0;
}

std::int64_t Rows::affected() const {
  if (!result_) return 0;
  std::string_view t = PQcmdTuples(result_.get());
  std::int64_t n = 0;
  std::from_chars(t.data(), t.data() + t.size(), n);
  return n;
}

std::string Rows::command() const {
  if (!result_) return {};
  std::string_view tag = PQcmdStatus(result_.get());
  return std::string(tag.substr(0, tag.find(' ')));
}

}  // namespace blazed::pg
