// Owns `blazed --check-config`: every check that needs no connection (secrets resolved, keyring
// readable, URLs, queue names, rate-limit plans, cron expressions and zones, schedule job types),
// and with --online a connection to Redis and PostgreSQL and the schema state. The start-up path
// shares the secret and SP-API steps, so the two cannot disagree.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"
#include "queue/handlers.hpp"
#include "spapi/from_config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::app {

// One problem found: which part of the file, and why.
struct ConfigProblem {
  std::string area;  // e.g. "keyring", "spapi.client_secret", "schedules"
  Error error;
};

// The problems in a loaded config that can be found without connecting anywhere. Empty: none.
std::vector<ConfigProblem> offline_problems(const config::Config& config);

// Resolves an optional secret reference (bad_config naming `key` when it cannot be); a resolved
// value is masked in every log line from now on.
Result<std::optional<Secret>> resolve_optional(const std::optional<config::SecretRef>& ref,
                                               std::string_view key);

// The SP-API clients' settings with the client secret resolved; nullopt when spapi.client_id is
// empty (seller syncs off).
Result<std::optional<spapi::ClientSetup>> spapi_setup(const config::SpApiConfig& config);

// bad_config naming the first schedule whose job type no duty registers.
Status check_schedule_jobs(const std::vector<config::ScheduleConfig>& schedules,
                           const queue::Handlers& job_types);

// Loads `path`, prints every problem (or that it is valid) and returns the exit code: 0 valid,
// 78 a problem in the file or what it points to, 69 (--online) a service unreachable.
int run_check_config(const std::string& path, bool online);

}  // namespace blazed::app
