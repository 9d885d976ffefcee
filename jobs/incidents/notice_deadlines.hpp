// Owns the notification deadlines of an incident: Amazon within 24 hours of confirmation, the
// affected users within 72 hours; each one's state now (for `incident show` and the metrics).
#pragma once

#include "core/clock.hpp"
#include "jobs/incidents/incident_store.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace blazed::jobs::incidents {

inline constexpr std::chrono::hours kAmazonNotice{24};
inline constexpr std::chrono::hours kUsersNotice{72};
// A deadline this close counts as near (the metric to alert on before it is past).
inline constexpr std::chrono::hours kDeadlineNear{6};

enum class NoticeState {
  unconfirmed,  // no deadline yet: the incident is not confirmed
  pending,      // due later than kDeadlineNear from now
  near,         // due within kDeadlineNear
  past,         // due and not done
  met,          // done by its deadline
  late,         // done after its deadline
};
std::string_view notice_state_name(NoticeState state);

struct Notice {
  std::optional<Clock::time_point> due;   // nullopt until confirmed
  std::optional<Clock::time_point> done;
  NoticeState state = NoticeState::unconfirmed;
};

Notice amazon_notice(const Incident& incident, Clock::time_point now);
Notice users_notice(const Incident& incident, Clock::time_point now);

}  // namespace blazed::jobs::incidents
