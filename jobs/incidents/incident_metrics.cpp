// Owns the incidents' metrics (see incident_metrics.hpp).
#include "jobs/incidents/incident_metrics.hpp"

#include "jobs/incidents/notice_deadlines.hpp"

#include <array>
#include <map>

namespace blazed::jobs::incidents {

namespace {
constexpr std::array<const char*, 4> kSeverities{"critical", "high", "medium", "low"};
}

IncidentMetrics::IncidentMetrics(metrics::Registry& r)
    : open_(r.gauge(kOpenMetric, "Incidents not closed, by severity", {"severity"})),
      due_(r.gauge(kDeadlineMetric,
                   "Open incidents whose Amazon (24 h) or user (72 h) notice is not done and due within 6 h (near) "
                   "or overdue (past; alert above 0)",
                   {"notice", "state"})) {}

void IncidentMetrics::record_open(const std::vector<Incident>& open, Clock::time_point now) {
  std::map<std::string, double> by_severity;
  std::map<std::pair<std::string, std::string>, double> due;
  for (const auto& i : open) {
    by_severity[i.severity] += 1;
    for (const auto& [name, n] : {std::pair{"amazon", amazon_notice(i, now)}, std::pair{"users", users_notice(i, now)}})
      if (n.state == NoticeState::near || n.state == NoticeState::past)
        due[{name, std::string(notice_state_name(n.state))}] += 1;
  }
  for (const char* s : kSeverities) open_.with({s}).set(by_severity[s]);
  for (const char* notice : {"amazon", "users"})
    for (const char* state : {"near", "past"}) due_.with({notice, state}).set(due[{notice, state}]);
}

}  // namespace blazed::jobs::incidents
