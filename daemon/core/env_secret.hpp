// Owns taking secrets out of the process environment: read once, then wiped and unset, so that
// neither /proc/<pid>/environ nor a child process sees them; later reads get the kept copy.
#pragma once

#include "core/secret.hpp"

#include <optional>
#include <string_view>

namespace blazed {

// The value of environment variable `name` (nullopt when unset or empty). The first read wipes
// the variable's bytes in place and unsets it; the value is kept for later reads of the same name.
// A variable set again later (a test, a re-exec) is taken again. Thread-safe among its callers.
std::optional<Secret> take_env_secret(std::string_view name);

}  // namespace blazed
