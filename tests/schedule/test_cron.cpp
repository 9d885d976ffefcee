// Tests cron parsing (errors name the bad field) and next-fire computation, in UTC and in a
// named zone across DST.
#include "schedule/cron.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono;
using blazed::schedule::CronSchedule;

namespace {

sys_seconds utc(int y, unsigned m, unsigned d, int h = 0, int min = 0, int s = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min} + seconds{s};
}

sys_seconds next(const CronSchedule& c, sys_seconds t) {
  const auto n = c.next_after(t);
  REQUIRE(n);
  return *n;
}

}  // namespace

TEST_CASE("cron next fire in UTC") {
  struct Case {
    const char* spec;
    sys_seconds after;
    sys_seconds expected;
  };
  const Case cases[] = {
      {"*/15 * * * *", utc(2024, 5, 1, 10, 7, 30), utc(2024, 5, 1, 10, 15)},
      {"*/15 * * * *", utc(2024, 5, 1, 10, 15), utc(2024, 5, 1, 10, 30)},  // strictly after
      {"5/20 * * * *", utc(2024, 5, 1, 10, 26), utc(2024, 5, 1, 10, 45)},
      {"0 3 * * *", utc(2024, 12, 31, 3, 0), utc(2025, 1, 1, 3, 0)},
      {"59 23 31 12 *", utc(2024, 12, 31, 23, 59), utc(2025, 12, 31, 23, 59)},
      // Month ends: the 31st skips months without one.
      {"0 0 31 * *", utc(2024, 1, 31), utc(2024, 3, 31)},
      {"0 0 31 * *", utc(2024, 5, 31), utc(2024, 7, 31)},
      {"0 0 30 * *", utc(2023, 1, 30), utc(2023, 3, 30)},
      // Leap years: Feb 29 every 4 years, but not 2100.
      {"0 0 29 2 *", utc(2024, 3, 1), utc(2028, 2, 29)},
      {"0 0 29 2 *", utc(2096, 3, 1), utc(2104, 2, 29)},
      {"0 12 28-29 2 *", utc(2023, 2, 28, 12), utc(2024, 2, 28, 12)},
      {"0 12 28-29 2 *", utc(2024, 2, 28, 12), utc(2024, 2, 29, 12)},
      // Weekdays, names, 7 = Sunday.
      {"30 2 * * MON-FRI", utc(2024, 5, 3, 3, 0), utc(2024, 5, 6, 2, 30)},  // Fri -> Mon
      {"0 0 * * 7", utc(2024, 5, 1), utc(2024, 5, 5)},
      {"0 0 * * sun", utc(2024, 5, 1), utc(2024, 5, 5)},
      {"0 0 1 jan-mar,Jul *", utc(2024, 4, 1), utc(2024, 7, 1)},
      // Both day fields restricted: either matches (the 1st, or any Monday).
      {"0 0 1 * MON", utc(2024, 1, 2), utc(2024, 1, 8)},
      {"0 0 1 * MON", utc(2024, 1, 29, 1), utc(2024, 2, 1)},
      // Day-of-month given as a '*' step: both must match (odd days that are Mondays).
      {"0 0 */2 * MON", utc(2024, 1, 2), utc(2024, 1, 15)},
      // Macros.
      {"@hourly", utc(2024, 5, 1, 10, 0, 1), utc(2024, 5, 1, 11, 0)},
      {"@daily", utc(2024, 5, 1, 10), utc(2024, 5, 2)},
      {"@weekly", utc(2024, 5, 1), utc(2024, 5, 5)},
      {"@monthly", utc(2024, 5, 1), utc(2024, 6, 1)},
      {"@yearly", utc(2024, 5, 1), utc(2025, 1, 1)},
      // Intervals, anchored at the Unix epoch.
      {"@every 90s", sys_seconds{seconds{100}}, sys_seconds{seconds{180}}},
      {"@every 5m", utc(2024, 5, 1, 10, 7), utc(2024, 5, 1, 10, 10)},
      {"@every 1h30m", utc(2024, 5, 1, 0, 0), utc(2024, 5, 1, 1, 30)},
      {"@every 1d", utc(2024, 5, 1, 0, 0), utc(2024, 5, 2)},
  };
  for (const auto& c : cases) {
    INFO(c.spec << " after " << c.after.time_since_epoch().count());
    const auto s = CronSchedule::parse(c.spec).value();
    CHECK(next(s, c.after) == c.expected);
  }
}

TEST_CASE("cron walks a month minute by minute without skipping or repeating") {
  const auto every_minute = CronSchedule::parse("* * * * *").value();
  auto t = utc(2024, 2, 1);
  int fires = 0;
  while (t < utc(2024, 3, 1)) {
    const auto n = next(every_minute, t);
    REQUIRE(n - t == minutes{1});
    t = n;
    ++fires;
  }
  CHECK(fires == 29 * 24 * 60);
}

TEST_CASE("cron in a named zone across DST") {
  SECTION("a local time skipped by spring-forward fires at the end of the gap, once") {
    // Berlin, 2024-03-31: 02:00 CET -> 03:00 CEST at 01:00 UTC.
    const auto s = CronSchedule::parse("30 2 * * *", "Europe/Berlin").value();
    CHECK(next(s, utc(2024, 3, 30, 12)) == utc(2024, 3, 31, 1, 0));
    CHECK(next(s, utc(2024, 3, 31, 1, 0)) == utc(2024, 4, 1, 0, 30));

    const auto quarter = CronSchedule::parse("*/15 2 * * *", "Europe/Berlin").value();
    CHECK(next(quarter, utc(2024, 3, 30, 12)) == utc(2024, 3, 31, 1, 0));
    CHECK(next(quarter, utc(2024, 3, 31, 1, 0)) == utc(2024, 4, 1, 0, 0));
  }
  SECTION("a local time repeated by fall-back fires once, at its first occurrence") {
    // Berlin, 2024-10-27: 03:00 CEST -> 02:00 CET at 01:00 UTC; 02:30 happens twice.
    const auto s = CronSchedule::parse("30 2 * * *", "Europe/Berlin").value();
    CHECK(next(s, utc(2024, 10, 26, 12)) == utc(2024, 10, 27, 0, 30));
    CHECK(next(s, utc(2024, 10, 27, 0, 30)) == utc(2024, 10, 28, 1, 30));
    // From inside the second 02:xx hour, the first 02:30 is already past.
    CHECK(next(s, utc(2024, 10, 27, 1, 10)) == utc(2024, 10, 28, 1, 30));

    // Hourly too: local 02:00 fired at 00:00 UTC, so the repeated 02:00 CET (01:00 UTC) is skipped.
    const auto hourly = CronSchedule::parse("0 * * * *", "Europe/Berlin").value();
    CHECK(next(hourly, utc(2024, 10, 26, 23, 0)) == utc(2024, 10, 27, 0, 0));
    CHECK(next(hourly, utc(2024, 10, 27, 0, 0)) == utc(2024, 10, 27, 2, 0));
  }
  SECTION("future dates use the zone's footer rule") {
    const auto s = CronSchedule::parse("0 9 * * *", "America/New_York").value();
    CHECK(next(s, utc(2090, 1, 15)) == utc(2090, 1, 15, 14, 0));
    CHECK(next(s, utc(2090, 7, 15)) == utc(2090, 7, 15, 13, 0));
    const auto sydney = CronSchedule::parse("0 0 1 * *", "Australia/Sydney").value();
    CHECK(next(sydney, utc(2090, 5, 2)) == utc(2090, 5, 31, 14, 0));   // AEST, +10
    CHECK(next(sydney, utc(2090, 12, 2)) == utc(2090, 12, 31, 13, 0));  // AEDT, +11
  }
}

TEST_CASE("cron errors name the bad field") {
  struct Case {
    const char* spec;
    const char* needle;
  };
  const Case cases[] = {
      {"61 * * * *", "minute field '61': 61 is out of range 0-59"},
      {"* 24 * * *", "hour field '24'"},
      {"* * 0 * *", "day-of-month field '0'"},
      {"* * * 13 *", "month field '13'"},
      {"* * * FOO *", "month field 'FOO'"},
      {"* * * * MOO", "day-of-week field 'MOO'"},
      {"* * * * 8", "day-of-week field '8'"},
      {"*/0 * * * *", "minute field '*/0': step"},
      {"5-1 * * * *", "minute field '5-1': range start is after its end"},
      {"1,,2 * * * *", "minute field '1,,2'"},
      {"* * * *", "expected 5 fields"},
      {"* * * * * *", "expected 5 fields"},
      {"0 0 30 2 *", "never occurs"},
      {"@fortnightly", "unknown macro"},
      {"@every", "@every"},
      {"@every 0s", "positive"},
      {"@every 5x", "unit must be"},
      {"@every 5", "expected <number>"},
      {"", "empty"},
  };
  for (const auto& c : cases) {
    INFO(c.spec);
    const auto r = CronSchedule::parse(c.spec);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == "bad_schedule");
    CHECK_THAT(r.error().message, Catch::Contains(c.needle));
  }
  const auto zone = CronSchedule::parse("0 0 * * *", "Mars/Olympus_Mons");
  REQUIRE_FALSE(zone.has_value());
  CHECK(zone.error().code == "bad_time_zone");
}

TEST_CASE("latest_between picks the one tick that stands for a missed span") {
  const auto daily = CronSchedule::parse("0 3 * * *").value();
  // Down from Monday 01:00 to Thursday 10:00: the Thursday 03:00 tick runs, once.
  CHECK(daily.latest_between(utc(2024, 5, 6, 1), utc(2024, 5, 9, 10)) == utc(2024, 5, 9, 3));
  CHECK(daily.latest_between(utc(2024, 5, 9, 3), utc(2024, 5, 9, 10)) == std::nullopt);
  CHECK(daily.latest_between(utc(2024, 5, 9, 2), utc(2024, 5, 9, 3)) == utc(2024, 5, 9, 3));
  CHECK(daily.latest_between(utc(2024, 5, 9, 10), utc(2024, 5, 9, 10)) == std::nullopt);

  const auto minutely = CronSchedule::parse("* * * * *").value();
  CHECK(minutely.latest_between(utc(2020, 1, 1), utc(2024, 5, 9, 10, 30, 15)) == utc(2024, 5, 9, 10, 30));
  const auto yearly = CronSchedule::parse("@yearly").value();
  CHECK(yearly.latest_between(utc(2001, 6, 1), utc(2024, 5, 9)) == utc(2024, 1, 1));
  CHECK(yearly.latest_between(utc(2024, 1, 1), utc(2024, 5, 9)) == std::nullopt);

  const auto every = CronSchedule::parse("@every 90s").value();
  CHECK(every.latest_between(sys_seconds{seconds{100}}, sys_seconds{seconds{1000}}) == sys_seconds{seconds{990}});
  CHECK(every.latest_between(sys_seconds{seconds{990}}, sys_seconds{seconds{1000}}) == std::nullopt);

  // Against a plain walk over every tick, for a few shapes of schedule.
  for (const char* spec : {"*/7 * * * *", "0 */5 * * 1-5", "30 2 * * *", "0 0 1,15 * *"}) {
    INFO(spec);
    const auto s = CronSchedule::parse(spec, "Europe/Berlin").value();
    const auto after = utc(2024, 3, 20);
    for (auto until = utc(2024, 3, 29); until < utc(2024, 4, 3); until += minutes{97}) {
      std::optional<sys_seconds> walked;
      for (auto t = s.next_after(after); t && *t <= until; t = s.next_after(*t)) walked = t;
      CHECK(s.latest_between(after, until) == walked);
    }
  }
}
