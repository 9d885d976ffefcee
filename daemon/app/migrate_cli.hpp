// Owns `blazed migrate`: applies pending schema migrations (or reports them with --status)
// without starting the daemon.
#pragma once

#include "config/config.hpp"

namespace blazed::app {

// Returns the process exit code: 0 done/current, 1 failure, 3 (--status only) migrations pending.
int run_migrate(const config::Config& config, bool status_only);

}  // namespace blazed::app
