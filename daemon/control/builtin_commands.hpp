// Owns the control commands every daemon has: `status`, `health` and `commands`.
#pragma once

#include "control/registry.hpp"
#include "core/clock.hpp"

#include <functional>
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

struct StatusSources {
  std::string version;
  std::string instance_id;
  const Clock* clock = &SystemClock::instance();
  Clock::time_point started_at;
  // The composition root wires Redis, PostgreSQL and later parts here (the same checks as /readyz).
  std::function<std::vector<ComponentState>()> components;
};

// Registers:
//   status   -> {version, instance_id, started_at, uptime_seconds, components:{NAME:{ok, detail}}}
//   health   -> {healthy, checks:[{name, ok, detail}]}  (healthy: every component ok)
//   commands -> {commands:[{name, summary}]}
Status register_builtin_commands(CommandRegistry& registry, StatusSources sources);

}  // namespace blazed::control
