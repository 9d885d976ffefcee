// Owns cron parsing (fields, names, macros, @every) and the next-fire search over local days.
#include "schedule/cron.hpp"

#include "schedule/errc.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace blazed::schedule {
namespace {

using namespace std::chrono;

constexpr int horizon_days = 366 * 30;

// The multiple of n at or below s (for intervals anchored at the epoch, also before it).
std::int64_t floor_multiple(std::int64_t s, std::int64_t n) { return (s >= 0 ? s / n : -((-s + n - 1) / n)) * n; }

struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  const std::array<std::string_view, 12>* names;  // names[i] is value min+i
  std::size_t name_count;
};

constexpr std::array<std::string_view, 12> month_names = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 12> day_names = {"SUN", "MON", "TUE", "WED", "THU", "FRI",
                                                        "SAT", "",    "",    "",    "",    ""};

const std::array<FieldSpec, 5> fields = {{
    {"minute", 0, 59, nullptr, 0},
    {"hour", 0, 23, nullptr, 0},
    {"day-of-month", 1, 31, nullptr, 0},
    {"month", 1, 12, &month_names, 12},
    {"day-of-week", 0, 7, &day_names, 7},
}};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    const auto start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::optional<int> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

class FieldParser {
 public:
  FieldParser(std::string_view spec, const FieldSpec& f) : spec_(spec), f_(f) {}

  Error bad(std::string_view text, std::string_view why) const {
    return make_error(errc::bad_schedule, "cron '" + std::string(spec_) + "': " + std::string(f_.name) +
                                          " field '" + std::string(text) + "': " + std::string(why));
  }

  Result<int> value(std::string_view item, std::string_view text) const {
    if (auto v = parse_int(text)) {
      if (*v < f_.min || *v > f_.max) {
        return bad(item, std::to_string(*v) + " is out of range " + std::to_string(f_.min) + "-" +
                             std::to_string(f_.max));
      }
      return *v;
    }
    if (f_.names != nullptr && text.size() == 3) {
      std::string upper(text);
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      for (std::size_t i = 0; i < f_.name_count; ++i) {
        if ((*f_.names)[i] == upper) return f_.min + static_cast<int>(i);
      }
    }
    return bad(item, "'" + std::string(text) + "' is not a number" +
                         (f_.names != nullptr ? " or a name" : ""));
  }

  // Sets the bits of every value the field allows; reports whether it starts with '*'.
  Result<std::vector<bool>> parse(std::string_view text, bool& star) const {
    std::vector<bool> bits(static_cast<std::size_t>(f_.max + 1), false);
    if (text.empty()) return bad(text, "empty");
    star = text.front() == '*';
    for (const auto item : split(text, ',')) {
      if (item.empty()) return bad(text, "empty list item");
      const auto parts = split(item, '/');
      if (parts.size() > 2) return bad(item, "more than one '/'");
      int step = 1;
      if (parts.size() == 2) {
        const auto s = parse_int(parts[1]);
        if (!s || *s < 1) return bad(item, "step must be a positive number");
        step = *s;
      }
      int lo = f_.min;
      int hi = f_.max;
      const auto range = split(parts[0], '-');
      if (parts[0] == "*") {
        if (f_.min == 0 && f_.max == 7) hi = 6;  // Sunday once
      } else if (range.size() == 1) {
        auto v = value(item, range[0]);
        if (!v) return v.error();
        lo = *v;
        hi = parts.size() == 2 ? f_.max : *v;  // "5/15" means 5 through the maximum
      } else if (range.size() == 2) {
        auto a = value(item, range[0]);
        if (!a) return a.error();
        auto b = value(item, range[1]);
        if (!b) return b.error();
        if (*a > *b) return bad(item, "range start is after its end");
        lo = *a;
        hi = *b;
      } else {
        return bad(item, "malformed range");
      }
      for (int v = lo; v <= hi; v += step) bits[static_cast<std::size_t>(v)] = true;
    }
    return bits;
  }

 private:
  std::string_view spec_;
  const FieldSpec& f_;
};

Result<seconds> parse_every(std::string_view spec, std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return make_error(errc::bad_schedule, "schedule '" + std::string(spec) + "': " + std::string(why));
  };
  if (text.empty()) return bad("@every needs an interval such as 90s, 5m or 1h");
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    const auto n = parse_int(text.substr(start, i - start));
    if (!n || i == text.size()) return bad("interval '" + std::string(text) + "': expected <number><s|m|h|d>");
    switch (text[i++]) {
      case 's': total += *n; break;
      case 'm': total += std::int64_t{*n} * 60; break;
      case 'h': total += std::int64_t{*n} * 3600; break;
      case 'd': total += std::int64_t{*n} * 86'400; break;
      default: return bad("interval '" + std::string(text) + "': unit must be s, m, h or d");
    }
  }
  if (total <= 0) return bad("@every interval must be positive");
  return seconds{total};
}

std::string_view expand_macro(std::string_view spec) {
  if (spec == "@yearly" || spec == "@annually") return "0 0 1 1 *";
  if (spec == "@monthly") return "0 0 1 * *";
  if (spec == "@weekly") return "0 0 * * 0";
  if (spec == "@daily" || spec == "@midnight") return "0 0 * * *";
  if (spec == "@hourly") return "0 * * * *";
  return {};
}

template <std::size_t N>
void copy_bits(const std::vector<bool>& from, std::bitset<N>& to) {
  for (std::size_t i = 0; i < from.size() && i < N; ++i) to[i] = from[i];
}

constexpr std::array<int, 13> max_days_in_month = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view spec, std::string_view zone,
                                         const std::filesystem::path& zoneinfo_root) {
  auto tz = TimeZone::load(zone, zoneinfo_root);
  if (!tz) return tz.error();
  return parse(spec, std::move(*tz));
}

Result<CronSchedule> CronSchedule::parse(std::string_view spec, TimeZone zone) {
  CronSchedule s;
  s.spec_ = std::string(spec);
  s.zone_ = std::move(zone);
  const auto words = split_ws(spec);
  if (words.empty()) return make_error(errc::bad_schedule, "schedule is empty");
  if (words[0] == "@every") {
    if (words.size() != 2) return make_error(errc::bad_schedule, "schedule '" + s.spec_ + "': use '@every <interval>'");
    auto every = parse_every(spec, words[1]);
    if (!every) return every.error();
    s.every_ = *every;
    return s;
  }
  std::vector<std::string_view> parts = words;
  if (words[0].front() == '@') {
    const auto expanded = expand_macro(words[0]);
    if (expanded.empty() || words.size() != 1) {
      return make_error(errc::bad_schedule, "schedule '" + s.spec_ +
                                            "': unknown macro (use @yearly, @monthly, @weekly, @daily, "
                                            "@hourly or @every)");
    }
    parts = split_ws(expanded);
  }
  if (parts.size() != 5) {
    return make_error(errc::bad_schedule, "cron '" + s.spec_ + "': expected 5 fields (minute hour "
                                      "day-of-month month day-of-week), got " +
                                          std::to_string(parts.size()));
  }
  std::array<std::vector<bool>, 5> bits;
  std::array<bool, 5> stars{};
  for (std::size_t i = 0; i < 5; ++i) {
    auto b = FieldParser(spec, fields[i]).parse(parts[i], stars[i]);
    if (!b) return b.error();
    bits[i] = std::move(*b);
  }
  if (bits[4][7]) bits[4][0] = true;  // 7 is Sunday too
  copy_bits(bits[0], s.minutes_);
  copy_bits(bits[1], s.hours_);
  copy_bits(bits[2], s.days_of_month_);
  copy_bits(bits[3], s.months_);
  copy_bits(bits[4], s.days_of_week_);
  s.dom_star_ = stars[2];
  s.dow_star_ = stars[4];

  // A day-of-month that no selected month has (e.g. "0 0 30 2 *") would never fire.
  if (s.dow_star_ || s.dom_star_) {
    bool possible = false;
    for (int m = 1; m <= 12 && !possible; ++m) {
      if (!s.months_[static_cast<std::size_t>(m)]) continue;
      for (int d = 1; d <= max_days_in_month[static_cast<std::size_t>(m)]; ++d) {
        if (s.days_of_month_[static_cast<std::size_t>(d)]) possible = true;
      }
    }
    if (!possible) {
      return make_error(errc::bad_schedule, "cron '" + s.spec_ +
                                            "': day-of-month field never occurs in the selected months");
    }
  }
  return s;
}

bool CronSchedule::day_matches(local_days d) const {
  const year_month_day ymd{d};
  if (!months_[static_cast<unsigned>(ymd.month())]) return false;
  const bool dom = days_of_month_[static_cast<unsigned>(ymd.day())];
  const bool dow = days_of_week_[weekday{d}.c_encoding()];
  if (dom_star_ || dow_star_) return dom && dow;
  return dom || dow;
}

std::optional<local_seconds> CronSchedule::next_local_match(local_seconds from) const {
  local_days day = floor<days>(from);
  auto start_minute = static_cast<int>(duration_cast<minutes>(from - day).count());
  for (int i = 0; i < horizon_days; ++i, day += days{1}, start_minute = 0) {
    if (!day_matches(day)) continue;
    for (int h = start_minute / 60; h < 24; ++h) {
      if (!hours_[static_cast<std::size_t>(h)]) continue;
      for (int m = (h == start_minute / 60 ? start_minute % 60 : 0); m < 60; ++m) {
        if (minutes_[static_cast<std::size_t>(m)]) return day + hours{h} + minutes{m};
      }
    }
  }
  return std::nullopt;
}

std::optional<sys_seconds> CronSchedule::next_after(sys_seconds t) const {
  if (every_) {
    const auto n = every_->count();
    return sys_seconds{seconds{floor_multiple(t.time_since_epoch().count(), n) + n}};
  }
  // Local minutes map monotonically to instants (gap -> end of gap, repeat -> first occurrence),
  // so walk matching minutes from the one after t's local minute until one lands after t. Only
  // inside a repeated hour does a candidate land at or before t, which bounds the walk.
  local_seconds from = floor<minutes>(zone_.to_local(t)) + minutes{1};
  for (int guard = 0; guard < 24 * 60; ++guard) {
    const auto local = next_local_match(from);
    if (!local) return std::nullopt;
    const auto instant = zone_.to_sys(*local).first;
    if (instant > t) return instant;
    from = *local + minutes{1};
  }
  return std::nullopt;
}

std::optional<sys_seconds> CronSchedule::latest_between(sys_seconds after, sys_seconds until) const {
  if (until <= after) return std::nullopt;
  if (every_) {
    const sys_seconds tick{seconds{floor_multiple(until.time_since_epoch().count(), every_->count())}};
    return tick > after ? std::optional(tick) : std::nullopt;
  }
  // Look back over growing windows so a long outage does not mean walking every missed tick.
  constexpr std::array<seconds, 5> windows = {hours{1}, days{1}, days{32}, days{400}, days{366 * 30}};
  for (const auto window : windows) {
    const sys_seconds from = std::max(after, until - window);
    auto tick = next_after(from);
    if (!tick || *tick > until) {
      if (from == after) return std::nullopt;
      continue;
    }
    while (true) {
      const auto n = next_after(*tick);
      if (!n || *n > until) return tick;
      tick = n;
    }
  }
  return std::nullopt;
}

}  // namespace blazed::schedule
