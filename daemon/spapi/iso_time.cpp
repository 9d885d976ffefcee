// Owns ISO 8601 formatting and parsing on std::chrono calendar types.
#include "spapi/iso_time.hpp"

#include "spapi/errc.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace blazed::spapi {

namespace chr = std::chrono;

std::string format_iso8601(Clock::time_point t) {
  const auto ms = chr::floor<chr::milliseconds>(t);
  const auto day = chr::floor<chr::days>(ms);
  const chr::year_month_day ymd{day};
  const chr::hh_mm_ss hms{ms - day};
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", int(ymd.year()),
                              unsigned(ymd.month()), unsigned(ymd.day()),
                              static_cast<int>(hms.hours().count()),
                              static_cast<int>(hms.minutes().count()),
                              static_cast<int>(hms.seconds().count()));
  std::string out(buf, static_cast<std::size_t>(n));
  if (const auto millis = hms.subseconds().count(); millis != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(millis));
    out += buf;
  }
  return out + "Z";
}

namespace {

constexpr int kFirstYear = 1900;
constexpr int kLastYear = 2200;

bool take_int(std::string_view& s, std::size_t digits, int& out) {
  if (s.size() < digits) return false;
  for (std::size_t i = 0; i < digits; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  std::from_chars(s.data(), s.data() + digits, out);
  s.remove_prefix(digits);
  return true;
}

bool take(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

}  // namespace

Result<Clock::time_point> parse_iso8601(std::string_view text) {
  const auto bad = [] { return make_error(errc::spapi_malformed, "bad ISO 8601 time"); };
  std::string_view s = text;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!take_int(s, 4, y) || !take(s, '-') || !take_int(s, 2, mo) || !take(s, '-') ||
      !take_int(s, 2, d)) {
    return bad();
  }
  // Clock counts nanoseconds in 64 bits (years 1677-2262): a year outside would overflow, and
  // no SP-API time is that far off.
  if (y < kFirstYear || y > kLastYear) return bad();
  const chr::year_month_day ymd{chr::year{y}, chr::month{unsigned(mo)}, chr::day{unsigned(d)}};
  if (!ymd.ok()) return bad();
  Clock::time_point t = chr::sys_days{ymd};
  if (s.empty()) return t;
  if (!take(s, 'T') && !take(s, 't')) return bad();
  if (!take_int(s, 2, h) || !take(s, ':') || !take_int(s, 2, mi)) return bad();
  if (take(s, ':') && !take_int(s, 2, sec)) return bad();
  if (h > 23 || mi > 59 || sec > 60) return bad();
  Clock::duration frac{0};
  if (take(s, '.')) {
    std::int64_t nanos = 0;
    int digits = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (s.front() - '0');
        ++digits;
      }
      s.remove_prefix(1);
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 9; ++i) nanos *= 10;
    frac = chr::duration_cast<Clock::duration>(chr::nanoseconds{nanos});
  }
  chr::minutes offset{0};
  if (take(s, 'Z') || take(s, 'z')) {
  } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    const int sign = s.front() == '+' ? 1 : -1;
    s.remove_prefix(1);
    int oh = 0, om = 0;
    if (!take_int(s, 2, oh)) return bad();
    take(s, ':');
    if (!take_int(s, 2, om)) return bad();
    offset = chr::minutes{sign * (oh * 60 + om)};
  } else {
    return bad();
  }
  if (!s.empty()) return bad();
  return t + chr::hours{h} + chr::minutes{mi} + chr::seconds{sec} + frac - offset;
}

}  // namespace blazed::spapi
