// Owns the declaration of the sellers' control commands (sellers_commands.cpp).
#pragma once

#include "control/registry.hpp"
#include "core/error.hpp"
#include "jobs/job_context.hpp"

namespace blazed::jobs::sellers {

// sellers.connect (seal and store a refresh token) and sellers.disconnect (delete it at once).
// `ctx` must outlive the control server.
Status register_seller_token_commands(control::CommandRegistry& registry, JobContext& ctx);

}  // namespace blazed::jobs::sellers
