// Owns the declarations of the control commands the composition root registers beyond the
// built-in ones, one function per module (each in its own commands_<module>.cpp).
#pragma once

#include "core/error.hpp"

namespace blazed::control {
class CommandRegistry;
}
namespace blazed::jobs {
struct JobContext;
}

namespace blazed::server {

// `sellers.list` (every seller: status, per data type last sync, cursor lag, last error) and
// `sync` (args seller, data = orders|transactions|all: enqueue a seller_sync now; a second
// request while one is queued reports already_queued). Defined in commands_sync.cpp.
Status register_sync_commands(control::CommandRegistry& registry, jobs::JobContext& ctx);

}  // namespace blazed::server
