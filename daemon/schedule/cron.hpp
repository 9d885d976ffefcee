// Owns schedule expressions: the 5-field cron parser (with @hourly.. macros and `@every 90s`) and
// the next-fire computation in UTC or an IANA time zone.
#pragma once

#include "core/error.hpp"
#include "schedule/time_zone.hpp"

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace blazed::schedule {

// A parsed schedule.
//
// Cron: "minute hour day-of-month month day-of-week", each field a list of values, ranges and
// steps ("1,15", "9-17", "*/10", "5/15", "MON-FRI", "JAN,JUL"); day-of-week 0-7 (0 and 7 are Sunday).
// As in Vixie cron, when both day fields are restricted (neither starts with '*') a day matches if
// EITHER matches; otherwise both must. Macros: @yearly (@annually), @monthly, @weekly, @daily
// (@midnight), @hourly.
//
// Fields are read as wall-clock time in the schedule's zone (UTC unless given). Across DST:
//  - a local time that does not exist (clocks jumped over it) fires at the first instant after the
//    gap, once even if several matching minutes fell into the gap;
//  - a local time that occurs twice (clocks went back) fires once, at its first occurrence.
//
// `@every 90s` (units s, m, h, d, combinable as "1h30m") fires at every multiple of the interval
// since the Unix epoch, so every instance computes the same ticks; zones do not apply to it.
class CronSchedule {
 public:
  // `zone` empty means UTC; a name is loaded from `zoneinfo_root`.
  static Result<CronSchedule> parse(std::string_view spec, std::string_view zone = {},
                                    const std::filesystem::path& zoneinfo_root = "/usr/share/zoneinfo");
  static Result<CronSchedule> parse(std::string_view spec, TimeZone zone);

  // The first fire instant strictly after `t`; nullopt only if none exists within ~30 years.
  [[nodiscard]] std::optional<sys_seconds> next_after(sys_seconds t) const;
  // The latest fire instant in (after, until]: the one run that stands for every tick missed
  // in that span. Cost grows with the ticks in a short window before `until`, not the span.
  [[nodiscard]] std::optional<sys_seconds> latest_between(sys_seconds after, sys_seconds until) const;

  [[nodiscard]] const std::string& spec() const { return spec_; }
  [[nodiscard]] const TimeZone& zone() const { return zone_; }
  [[nodiscard]] std::optional<std::chrono::seconds> interval() const { return every_; }

 private:
  [[nodiscard]] bool day_matches(std::chrono::local_days d) const;
  [[nodiscard]] std::optional<local_seconds> next_local_match(local_seconds from) const;

  std::string spec_;
  TimeZone zone_ = TimeZone::utc();
  std::optional<std::chrono::seconds> every_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bit 0 unused
  std::bitset<13> months_;         // bit 0 unused
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool dom_star_ = true;
  bool dow_star_ = true;
};

}  // namespace blazed::schedule
