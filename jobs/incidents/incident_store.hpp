// Owns every SQL statement on `incidents` (migration 0070): an incident, the time of each step of
// its plan, its containment counts, the open ones (metrics) and the recent ones (the list).
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blazed::pg {
class Executor;
}

namespace blazed::jobs::incidents {

struct Incident {
  std::int64_t id = 0;
  std::string severity;                         // critical, high, medium, low
  std::optional<std::int64_t> scope_seller_id;  // nullopt: every seller
  std::string summary;
  std::string opened_by;
  Clock::time_point detected_at;
  std::optional<Clock::time_point> confirmed_at;
  std::optional<Clock::time_point> contained_at;
  std::int64_t tokens_deleted = 0;
  std::int64_t sellers_paused = 0;
  std::optional<std::int64_t> rotation_job_id;
  std::optional<Clock::time_point> amazon_notified_at;
  std::optional<Clock::time_point> users_notified_at;
  std::optional<Clock::time_point> closed_at;
  std::optional<std::string> review;
};

struct NewIncident {
  std::string severity;
  std::optional<std::int64_t> scope_seller_id;
  std::string summary;
  std::string opened_by;
  Clock::time_point detected_at;
};
// Returns the new incident's id.
boost::asio::awaitable<Result<std::int64_t>> insert_incident(pg::Executor& db, const NewIncident& incident);

// nullopt when there is no such incident.
boost::asio::awaitable<Result<std::optional<Incident>>> incident_by_id(pg::Executor& db, std::int64_t id);
// The open ones and the `recent` last closed ones, newest first.
boost::asio::awaitable<Result<std::vector<Incident>>> list_incidents(pg::Executor& db, int recent);
// Every open incident (the metrics' input; there are few).
boost::asio::awaitable<Result<std::vector<Incident>>> open_incidents(pg::Executor& db);

// Containment done at `now` with its counts (the first containment's time is kept).
boost::asio::awaitable<Status> record_containment(pg::Executor& db, std::int64_t id, Clock::time_point now,
                                                 std::int64_t tokens_deleted, std::int64_t sellers_paused);
boost::asio::awaitable<Status> record_rotation_job(pg::Executor& db, std::int64_t id, std::int64_t job_id);

// The steps an operator records by command; the first time of each is kept.
enum class Step { confirm, notify_amazon, notify_users };
boost::asio::awaitable<Status> record_step(pg::Executor& db, std::int64_t id, Step step, Clock::time_point now);

// Closes an open incident with its review.
boost::asio::awaitable<Status> close_incident(pg::Executor& db, std::int64_t id, Clock::time_point now,
                                              const std::string& review);

}  // namespace blazed::jobs::incidents
