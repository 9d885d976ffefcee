// Owns the sync window arithmetic.
#include "jobs/sync/sync_window.hpp"

namespace blazed::jobs {

std::optional<SyncWindow> next_window(std::optional<TimePoint> cursor, TimePoint now,
                                      const WindowRules& rules) {
  TimePoint latest_end = now - kMinimumEndAge;
  TimePoint after = cursor ? *cursor - rules.overlap : now - rules.initial_lookback;
  TimePoint before = latest_end;
  if (rules.max_span && before - after > *rules.max_span) before = after + *rules.max_span;
  if (after >= before) return std::nullopt;
  return SyncWindow{after, before};
}

}  // namespace blazed::jobs
