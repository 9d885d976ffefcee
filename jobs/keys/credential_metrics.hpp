// Owns the credential-age gauges: each key's age and whether it is over the 90-day policy, and
// the LWA client secret's age against Amazon's 180 days, computed at each scrape.
#pragma once

#include "jobs/job_context.hpp"
#include "metrics/registry.hpp"

namespace blazed::jobs {

// Registers (as scrape-time callbacks):
//   blazed_key_age_seconds{key_id}            seconds since the key's creation
//   blazed_key_over_policy{key_id}            1 when older than credential_ages.max_key_age
//   blazed_lwa_client_secret_age_seconds      only when credential_ages.lwa_client_secret_created is set
//   blazed_lwa_client_secret_over_policy      likewise, 1 when older than its max age
// `ctx` (its keyring, config and clock) must outlive the registry's scrapes. Threading: scrapes
// run on the health server's executor, the daemon's one event loop, where the keyring lives.
void register_credential_metrics(metrics::Registry& registry, jobs::JobContext& ctx);

}  // namespace blazed::jobs
