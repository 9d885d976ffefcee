// Owns the incident commands of the control socket: incident.open, .list, .show, .confirm,
// .contain, .ack_amazon, .notify_users and .close (blazectl incident ...).
#pragma once

#include "core/error.hpp"
#include "jobs/job_context.hpp"

#include <boost/asio/awaitable.hpp>

namespace blazed::control {
class CommandRegistry;
}

namespace blazed::jobs::incidents {

Status register_incident_commands(control::CommandRegistry& registry, JobContext& ctx);

// Sets the incident metrics from the open incidents (the commands and the background pass).
boost::asio::awaitable<Status> refresh_incident_metrics(JobContext& ctx);

}  // namespace blazed::jobs::incidents
