// Owns the control commands every daemon has: `status`, `health` and `commands`.
#pragma once

#include "control/registry.hpp"
#include "core/clock.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace blazed::control {

// The state of one dependency (redis, postgres, migrations...), from a cached observation:
// evaluating it must not block.
struct ComponentState {
  std::string name;
  bool ok = false;
  std::string detail;  // short, human; passes through redact before it leaves
};

// What the last configuration reload did: applied, or refused in whole or in part (the running
// configuration then stays for what was refused).
struct ReloadState {
  Clock::time_point at;
  std::string outcome;  // "applied", "refused" or "partly refused"
  std::string detail;   // what was refused and why, short; empty when applied
};

struct StatusSources {
  std::string version;
  std::string instance_id;
  const Clock* clock = &SystemClock::instance();
  Clock::time_point started_at;
  // The composition root wires Redis, PostgreSQL and later parts here (the same checks as /readyz).
  std::function<std::vector<ComponentState>()> components;
  // The last SIGHUP reload's outcome; empty (or unset) before the first one.
  std::function<std::optional<ReloadState>()> last_reload;
};

// Registers:
//   status   -> {version, instance_id, started_at, uptime_seconds, components:{NAME:{ok, detail}},
//                last_reload:{at, outcome, detail} or null}
//   health   -> {healthy, checks:[{name, ok, detail}]}  (healthy: every component ok)
//   commands -> {commands:[{name, summary}]}
Status register_builtin_commands(CommandRegistry& registry, StatusSources sources);

}  // namespace blazed::control
