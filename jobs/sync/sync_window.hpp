// Owns the arithmetic of a sync run's time window: where it starts (the stored cursor minus an
// overlap, or an initial look-back), where it ends (SP-API wants the end at least two minutes in
// the past), and the 180-day cap of listTransactions.
#pragma once

#include <chrono>
#include <optional>

namespace blazed::jobs {

using TimePoint = std::chrono::system_clock::time_point;

struct SyncWindow {
  TimePoint after;   // lastUpdatedAfter / postedAfter
  TimePoint before;  // lastUpdatedBefore / postedBefore
  friend bool operator==(const SyncWindow&, const SyncWindow&) = default;
};

struct WindowRules {
  // Re-read this much before the cursor: SP-API may index an update late, and upserts are
  // idempotent, so overlap costs a little traffic and never a duplicate.
  std::chrono::milliseconds overlap{std::chrono::minutes(10)};
  // Where a seller's first sync starts.
  std::chrono::milliseconds initial_lookback{std::chrono::hours(24 * 30)};
  // The longest window one request may span (listTransactions: 180 days).
  std::optional<std::chrono::milliseconds> max_span;
};

// SP-API refuses an end time later than two minutes before now; keep a margin for clock skew.
inline constexpr std::chrono::seconds kMinimumEndAge{150};

// The next window to fetch, or nullopt when the cursor is already as recent as allowed.
std::optional<SyncWindow> next_window(std::optional<TimePoint> cursor, TimePoint now,
                                      const WindowRules& rules);

}  // namespace blazed::jobs
