// Tests the account deletion's business-day deadlines, table-driven: weekends, holidays (also on
// a weekend), year ends and a leap day.
#include "jobs/deletion/business_days.hpp"

#include <catch2/catch.hpp>

using namespace blazed;
using namespace std::chrono;
using jobs::deletion::add_business_days;

namespace {
Clock::time_point at(year_month_day d, hours h, minutes m = minutes(0)) { return sys_days{d} + h + m; }
}  // namespace

TEST_CASE("a deletion deadline is 7 business days after the request, at its time of day", "[unit]") {
  struct Case {
    const char* what;
    Clock::time_point requested;
    std::vector<sys_days> holidays;
    Clock::time_point deadline;
  };
  const std::vector<sys_days> year_end{sys_days{2026y / December / 24}, sys_days{2026y / December / 25},
                                       sys_days{2026y / December / 31}, sys_days{2027y / January / 1}};
  auto c = GENERATE_COPY(values<Case>({
      {"Monday", at(2026y / December / 7, 10h), {}, at(2026y / December / 16, 10h)},
      {"Friday: two weekends", at(2026y / December / 4, 10h), {}, at(2026y / December / 15, 10h)},
      {"Saturday counts from Monday", at(2026y / December / 5, 9h), {}, at(2026y / December / 15, 9h)},
      {"Sunday late evening", at(2026y / December / 6, 23h, 59min), {}, at(2026y / December / 15, 23h, 59min)},
      {"a holiday on a weekend changes nothing", at(2026y / December / 4, 10h), {sys_days{2026y / December / 5}},
       at(2026y / December / 15, 10h)},
      {"a weekday holiday adds a day", at(2026y / December / 7, 10h), {sys_days{2026y / December / 10}},
       at(2026y / December / 17, 10h)},
      {"year end without holidays", at(2026y / December / 23, 15h, 30min), {}, at(2027y / January / 1, 15h, 30min)},
      {"year end with its holidays", at(2026y / December / 23, 15h, 30min), year_end,
       at(2027y / January / 7, 15h, 30min)},
      {"requested on a holiday", at(2026y / December / 25, 8h), year_end, at(2027y / January / 7, 8h)},
      {"across a leap day", at(2028y / February / 25, 12h), {}, at(2028y / March / 7, 12h)},
      {"midnight", at(2026y / December / 31, 0h), {}, at(2027y / January / 11, 0h)},
  }));
  CAPTURE(c.what);
  CHECK(add_business_days(c.requested, jobs::deletion::kDeletionBusinessDays, c.holidays) == c.deadline);
}

TEST_CASE("business days: weekdays that are not holidays", "[unit]") {
  const std::vector<sys_days> holidays{sys_days{2027y / January / 1}};
  CHECK(jobs::deletion::is_business_day(sys_days{2026y / December / 31}, holidays));
  CHECK_FALSE(jobs::deletion::is_business_day(sys_days{2027y / January / 1}, holidays));
  CHECK_FALSE(jobs::deletion::is_business_day(sys_days{2027y / January / 2}, holidays));
  CHECK_FALSE(jobs::deletion::is_business_day(sys_days{2027y / January / 3}, holidays));
  CHECK(jobs::deletion::is_business_day(sys_days{2027y / January / 4}, holidays));
  CHECK(add_business_days(at(2027y / January / 4, 1h), 0, holidays) == at(2027y / January / 4, 1h));
}
