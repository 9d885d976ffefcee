// Owns the TZif reader, the POSIX TZ footer rule and local <-> UTC conversion of TimeZone.
#include "schedule/time_zone.hpp"

#include "schedule/errc.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

namespace blazed::schedule {
namespace {

using namespace std::chrono;

constexpr std::int64_t day_seconds = 86'400;

Error tz_error(std::string_view zone, std::string message) {
  return make_error(errc::bad_time_zone, "time zone '" + std::string(zone) + "': " + message);
}

// A cursor over the TZif bytes; every read is bounds-checked.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  [[nodiscard]] bool has(std::size_t n) const { return bytes_.size() - pos_ >= n; }
  std::int64_t be(std::size_t width) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(bytes_[pos_ + i]);
    pos_ += width;
    if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
  }
  unsigned char byte() { return static_cast<unsigned char>(bytes_[pos_++]); }
  void skip(std::size_t n) { pos_ += n; }
  [[nodiscard]] std::string_view rest() const { return bytes_.substr(pos_); }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

struct Counts {
  std::size_t isut, isstd, leap, time, type, chars;
};

Counts read_header(Reader& r) {
  r.skip(20);  // magic, version, unused
  // Counts are unsigned 32-bit: at most 2^32 each, so block sizes cannot overflow a size_t.
  const auto count = [&r] { return static_cast<std::size_t>(static_cast<std::uint32_t>(r.be(4))); };
  Counts c{};
  c.isut = count();
  c.isstd = count();
  c.leap = count();
  c.time = count();
  c.type = count();
  c.chars = count();
  return c;
}

std::size_t block_size(const Counts& c, std::size_t time_width) {
  return c.time * time_width + c.time + c.type * 6 + c.chars + c.leap * (time_width + 4) + c.isstd +
         c.isut;
}

// --- POSIX TZ string parsing (RFC 8536 section 3.3) ---

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  bool done() const { return i_ == s_.size(); }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool peek_offset_start() const {
    return i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-' || (s_[i_] >= '0' && s_[i_] <= '9'));
  }
  bool name() {
    if (eat('<')) {
      const auto close = s_.find('>', i_);
      if (close == std::string_view::npos || close - i_ < 3) return false;
      i_ = close + 1;
      return true;
    }
    const auto start = i_;
    while (i_ < s_.size() && ((s_[i_] >= 'A' && s_[i_] <= 'Z') || (s_[i_] >= 'a' && s_[i_] <= 'z'))) ++i_;
    return i_ - start >= 3;
  }
  // [+-]hh[:mm[:ss]] in seconds, hours up to max_hours.
  std::optional<int> hms(int max_hours) {
    int sign = 1;
    if (eat('-')) sign = -1;
    else eat('+');
    auto h = number(3);
    if (!h || *h > max_hours) return std::nullopt;
    int total = *h * 3600;
    if (eat(':')) {
      auto m = number(2);
      if (!m || *m > 59) return std::nullopt;
      total += *m * 60;
      if (eat(':')) {
        auto sec = number(2);
        if (!sec || *sec > 59) return std::nullopt;
        total += *sec;
      }
    }
    return sign * total;
  }
  std::optional<int> number(int max_digits) {
    int v = 0;
    int n = 0;
    while (n < max_digits && i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      v = v * 10 + (s_[i_++] - '0');
      ++n;
    }
    if (n == 0) return std::nullopt;
    return v;
  }
  std::optional<PosixTz::Rule> rule() {
    PosixTz::Rule r;
    if (eat('M')) {
      r.kind = PosixTz::Rule::Kind::month_week_day;
      auto m = number(2);
      if (!m || *m < 1 || *m > 12 || !eat('.')) return std::nullopt;
      auto w = number(1);
      if (!w || *w < 1 || *w > 5 || !eat('.')) return std::nullopt;
      auto d = number(1);
      if (!d || *d > 6) return std::nullopt;
      r.month = *m;
      r.week = *w;
      r.day = *d;
    } else if (eat('J')) {
      r.kind = PosixTz::Rule::Kind::julian_no_leap;
      auto d = number(3);
      if (!d || *d < 1 || *d > 365) return std::nullopt;
      r.day = *d;
    } else {
      r.kind = PosixTz::Rule::Kind::zero_based;
      auto d = number(3);
      if (!d || *d > 365) return std::nullopt;
      r.day = *d;
    }
    if (eat('/')) {
      auto t = hms(167);
      if (!t) return std::nullopt;
      r.seconds = *t;
    }
    return r;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// The UTC-midnight-based day number of a rule's date in year `y`.
sys_days rule_day(const PosixTz::Rule& r, int y) {
  const sys_days jan1 = sys_days{year{y} / January / 1};
  switch (r.kind) {
    case PosixTz::Rule::Kind::julian_no_leap:
      return jan1 + days{r.day - 1 + (is_leap(y) && r.day >= 60 ? 1 : 0)};
    case PosixTz::Rule::Kind::zero_based:
      return jan1 + days{r.day};
    case PosixTz::Rule::Kind::month_week_day: {
      const sys_days first = sys_days{year{y} / month{static_cast<unsigned>(r.month)} / 1};
      const int wd = static_cast<int>(weekday{first}.c_encoding());
      int dom = 1 + (r.day - wd + 7) % 7 + (r.week - 1) * 7;
      const auto month_len = static_cast<int>(
          static_cast<unsigned>((year{y} / month{static_cast<unsigned>(r.month)} / last).day()));
      while (dom > month_len) dom -= 7;
      return first + days{dom - 1};
    }
  }
  return jan1;
}

}  // namespace

Result<PosixTz> PosixTz::parse(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return make_error(errc::bad_time_zone, "TZ rule '" + std::string(text) + "': " + std::string(why));
  };
  PosixParser p(text);
  PosixTz tz;
  if (!p.name()) return bad("standard time name");
  auto std_off = p.hms(24);
  if (!std_off) return bad("standard offset");
  tz.std_offset = -*std_off;  // POSIX offsets count hours west of UTC
  if (p.done()) return tz;
  if (!p.name()) return bad("DST name");
  tz.dst_offset = tz.std_offset + 3600;
  if (p.peek_offset_start()) {
    auto dst_off = p.hms(24);
    if (!dst_off) return bad("DST offset");
    tz.dst_offset = -*dst_off;
  }
  if (p.done()) {
    // POSIX leaves the default rule to the implementation; tzcode uses the US rules.
    tz.start = Rule{Rule::Kind::month_week_day, 0, 3, 2, 7200};
    tz.end = Rule{Rule::Kind::month_week_day, 0, 11, 1, 7200};
    return tz;
  }
  if (!p.eat(',')) return bad("expected ',' before the DST start rule");
  auto start = p.rule();
  if (!start) return bad("DST start rule");
  if (!p.eat(',')) return bad("expected ',' before the DST end rule");
  auto end = p.rule();
  if (!end) return bad("DST end rule");
  if (!p.done()) return bad("trailing characters");
  tz.start = *start;
  tz.end = *end;
  return tz;
}

std::int32_t PosixTz::offset_at(sys_seconds t) const {
  if (!dst_offset) return std_offset;
  const auto local_day = floor<days>(t + seconds{std_offset});
  const int y = static_cast<int>(year_month_day{local_day}.year());
  // Start is given in standard time, end in daylight time (the time in force just before each).
  const auto at = [&](const Rule& r, std::int32_t in_force) {
    return sys_seconds{rule_day(r, y)} + seconds{r.seconds} - seconds{in_force};
  };
  const auto start_at = at(start, std_offset);
  const auto end_at = at(end, *dst_offset);
  const bool dst = start_at < end_at ? (t >= start_at && t < end_at) : !(t >= end_at && t < start_at);
  return dst ? *dst_offset : std_offset;
}

TimeZone TimeZone::utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

Result<TimeZone> TimeZone::load(std::string_view name, const std::filesystem::path& root) {
  if (name.empty() || name == "UTC") return utc();
  // Names are tzdb identifiers: no absolute paths, no "..", nothing but [A-Za-z0-9_+-/].
  const bool safe_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '-' || c == '/';
  });
  if (!safe_chars || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return tz_error(name, "not a time zone name");
  }
  std::ifstream in(root / std::string(name), std::ios::binary);
  if (!in) return tz_error(name, "no such zone under " + root.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return parse(name, bytes.str());
}

Result<TimeZone> TimeZone::parse(std::string_view name, std::string_view tzif) {
  Reader r(tzif);
  if (!r.has(44) || tzif.substr(0, 4) != "TZif") return tz_error(name, "not a TZif file");
  if (tzif[4] < '2') return tz_error(name, "TZif version 1 has no 64-bit data; need version 2+");
  const Counts v1 = read_header(r);
  if (!r.has(block_size(v1, 4))) return tz_error(name, "truncated version 1 block");
  r.skip(block_size(v1, 4));
  if (!r.has(44) || r.rest().substr(0, 4) != "TZif") return tz_error(name, "missing version 2 header");
  const Counts c = read_header(r);
  if (!r.has(block_size(c, 8))) return tz_error(name, "truncated version 2 block");
  if (c.type == 0) return tz_error(name, "no local time types");

  TimeZone z;
  z.name_ = std::string(name);
  z.transitions_.reserve(c.time);
  for (std::size_t i = 0; i < c.time; ++i) z.transitions_.push_back(r.be(8));
  std::vector<std::size_t> idx(c.time);
  for (auto& i : idx) i = r.byte();
  std::vector<std::int32_t> type_offsets(c.type);
  for (auto& o : type_offsets) {
    o = static_cast<std::int32_t>(r.be(4));
    r.skip(2);  // isdst, abbreviation index: schedules only need the offset
  }
  for (auto i : idx) {
    if (i >= c.type) return tz_error(name, "transition names an unknown local time type");
    z.offsets_.push_back(type_offsets[i]);
  }
  if (!std::is_sorted(z.transitions_.begin(), z.transitions_.end())) {
    return tz_error(name, "transitions out of order");
  }
  z.initial_offset_ = type_offsets[0];
  r.skip(c.chars + c.leap * 12 + c.isstd + c.isut);

  const auto footer = r.rest();
  if (footer.size() >= 2 && footer.front() == '\n') {
    const auto end = footer.find('\n', 1);
    if (end == std::string_view::npos) return tz_error(name, "unterminated footer");
    const auto rule = footer.substr(1, end - 1);
    if (!rule.empty()) {
      auto tz = PosixTz::parse(rule);
      if (!tz) return tz_error(name, tz.error().message);
      z.footer_ = *tz;
    }
  }
  return z;
}

std::int32_t TimeZone::offset_at(sys_seconds t) const {
  const std::int64_t s = t.time_since_epoch().count();
  if (transitions_.empty()) return footer_ ? footer_->offset_at(t) : initial_offset_;
  if (s < transitions_.front()) return initial_offset_;
  if (s >= transitions_.back() && footer_) return footer_->offset_at(t);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  return offsets_[static_cast<std::size_t>(std::distance(transitions_.begin(), it) - 1)];
}

local_seconds TimeZone::to_local(sys_seconds t) const {
  return local_seconds{t.time_since_epoch() + seconds{offset_at(t)}};
}

TimeZone::Mapping TimeZone::to_sys(local_seconds t) const {
  // Offsets a day either side bracket any single transition near `t`; each candidate instant is
  // real only if the offset in force there is the one that produced it.
  const sys_seconds as_sys{t.time_since_epoch()};
  const std::int32_t before = offset_at(as_sys - seconds{day_seconds});
  const std::int32_t after = offset_at(as_sys + seconds{day_seconds});
  const sys_seconds a = as_sys - seconds{before};
  const sys_seconds b = as_sys - seconds{after};
  const bool a_ok = offset_at(a) == before;
  const bool b_ok = offset_at(b) == after;
  if (a_ok && b_ok && a != b) return {Mapping::Kind::repeated, std::min(a, b), std::max(a, b)};
  if (a_ok) return {Mapping::Kind::unique, a, a};
  if (b_ok) return {Mapping::Kind::unique, b, b};
  // A gap: the transition lies in (lo, hi]; find its instant, the first one after the gap.
  sys_seconds lo = std::min(a, b);
  sys_seconds hi = std::max(a, b);
  const std::int32_t lo_offset = offset_at(lo);
  while (hi - lo > seconds{1}) {
    const sys_seconds mid = lo + (hi - lo) / 2;
    if (offset_at(mid) == lo_offset) lo = mid;
    else hi = mid;
  }
  return {Mapping::Kind::gap, hi, hi};
}

}  // namespace blazed::schedule
