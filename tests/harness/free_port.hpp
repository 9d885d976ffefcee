// Owns free_port(): a loopback TCP port nobody listens on right now, for test services.
#pragma once

#include <cstdint>

namespace blazed::testing {

// The kernel's pick for a bound, then closed socket on 127.0.0.1. A service that binds it a
// moment later may lose a race with another process; callers that can retry do.
std::uint16_t free_port();

}  // namespace blazed::testing
