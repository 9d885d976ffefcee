// Owns the business-day arithmetic (see business_days.hpp).
#include "jobs/deletion/business_days.hpp"

#include <algorithm>

namespace blazed::jobs::deletion {

bool is_business_day(std::chrono::sys_days day, const std::vector<std::chrono::sys_days>& holidays) {
  const std::chrono::weekday wd{day};
  if (wd == std::chrono::Saturday || wd == std::chrono::Sunday) return false;
  return std::find(holidays.begin(), holidays.end(), day) == holidays.end();
}

Clock::time_point add_business_days(Clock::time_point from, int n, const std::vector<std::chrono::sys_days>& holidays) {
  const auto day = std::chrono::floor<std::chrono::days>(from);
  const auto time_of_day = from - day;
  auto d = day;
  for (int counted = 0; counted < n;) {
    d += std::chrono::days(1);
    if (is_business_day(d, holidays)) ++counted;
  }
  return d + time_of_day;
}

}  // namespace blazed::jobs::deletion
