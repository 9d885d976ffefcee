// Owns the declaration of the seller_sync job type's registration (the sync duty registers it: sync_duty.cpp).
#pragma once

#include "core/error.hpp"

namespace blazed::queue {
class Handlers;
}

namespace blazed::jobs {

struct JobContext;

Status register_seller_sync(queue::Handlers& handlers, JobContext& ctx);

}  // namespace blazed::jobs
