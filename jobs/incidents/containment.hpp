// Owns opening an incident and its containment: the tokens in scope deleted, those sellers' syncs
// paused (status needs_reauth: the cadence syncs active sellers only, and a new token by
// reauthorization resumes them), their cached access tokens dropped, and for scope all an
// emergency key rotation queued as `blazectl keys rotate` queues it. Critical and high incidents
// are contained when opened; others when an operator asks (`incident contain`).
#pragma once

#include "core/error.hpp"
#include "jobs/incidents/incident_store.hpp"
#include "jobs/job_context.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace blazed::jobs::incidents {

// Severities contained at once when opened.
bool contains_at_open(const std::string& severity);

struct Containment {
  std::int64_t tokens_deleted = 0;
  std::int64_t sellers_paused = 0;
  std::optional<std::int64_t> rotation_job_id;  // scope all: the rotation job
  std::optional<Error> rotation_error;          // scope all: the rotation could not be queued
};

struct Opened {
  std::int64_t id = 0;
  std::optional<Containment> containment;  // critical and high
};

// Records the incident (detected now), contained in the same transaction when its severity says
// so. An unknown seller in scope fails with seller_not_found and records nothing.
boost::asio::awaitable<Result<Opened>> open_incident(JobContext& ctx, const NewIncident& incident);

// Contains an open incident now (again harmlessly when it was: nothing is left in scope).
boost::asio::awaitable<Result<Containment>> contain(JobContext& ctx, const Incident& incident, const std::string& actor);

}  // namespace blazed::jobs::incidents
