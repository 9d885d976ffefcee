// Tests the sync window: overlap, initial look-back, the two-minute rule, the 180-day cap.
#include "jobs/sync/sync_window.hpp"

#include <catch2/catch.hpp>

using namespace blazed::jobs;
using namespace std::chrono;

namespace {
const TimePoint kNow = TimePoint(seconds(1'800'000'000));
}

TEST_CASE("a first sync looks back, and ends at least two minutes before now", "[unit]") {
  auto w = next_window(std::nullopt, kNow, WindowRules{});
  REQUIRE(w);
  CHECK(w->after == kNow - hours(24 * 30));
  CHECK(w->before == kNow - kMinimumEndAge);
  CHECK(kNow - w->before >= minutes(2));
}

TEST_CASE("later syncs start an overlap before the cursor", "[unit]") {
  auto cursor = kNow - hours(1);
  auto w = next_window(cursor, kNow, WindowRules{});
  REQUIRE(w);
  CHECK(w->after == cursor - minutes(10));
}

TEST_CASE("a window is capped at its maximum span", "[unit]") {
  WindowRules rules;
  rules.max_span = hours(24 * 180);
  auto cursor = kNow - hours(24 * 400);
  auto w = next_window(cursor, kNow, rules);
  REQUIRE(w);
  CHECK(w->before - w->after == hours(24 * 180));
}

TEST_CASE("nothing to fetch when the cursor is newer than the allowed end", "[unit]") {
  WindowRules rules;
  rules.overlap = milliseconds(0);
  CHECK_FALSE(next_window(kNow - seconds(30), kNow, rules));
  CHECK_FALSE(next_window(kNow + hours(1), kNow, rules));
}
