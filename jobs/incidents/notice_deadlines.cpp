// Owns the notification deadlines of an incident (see notice_deadlines.hpp).
#include "jobs/incidents/notice_deadlines.hpp"

namespace blazed::jobs::incidents {
namespace {

Notice notice(const std::optional<Clock::time_point>& confirmed, const std::optional<Clock::time_point>& done,
              Clock::duration within, Clock::time_point now) {
  Notice n;
  n.done = done;
  if (!confirmed) return n;
  n.due = *confirmed + within;
  if (done) n.state = *done <= *n.due ? NoticeState::met : NoticeState::late;
  else if (now > *n.due) n.state = NoticeState::past;
  else if (*n.due - now <= kDeadlineNear) n.state = NoticeState::near;
  else n.state = NoticeState::pending;
  return n;
}

}  // namespace

std::string_view notice_state_name(NoticeState state) {
  switch (state) {
    case NoticeState::unconfirmed: return "unconfirmed";
    case NoticeState::pending: return "pending";
    case NoticeState::near: return "near";
    case NoticeState::past: return "past";
    case NoticeState::met: return "met";
    case NoticeState::late: return "late";
  }
  return "unconfirmed";
}

Notice amazon_notice(const Incident& i, Clock::time_point now) {
  return notice(i.confirmed_at, i.amazon_notified_at, kAmazonNotice, now);
}

Notice users_notice(const Incident& i, Clock::time_point now) {
  return notice(i.confirmed_at, i.users_notified_at, kUsersNotice, now);
}

}  // namespace blazed::jobs::incidents
