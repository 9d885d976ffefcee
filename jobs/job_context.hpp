// Owns JobContext: everything a job handler or an operator command may use, built once by the
// composition root (daemon/server) and passed by reference; tests build their own.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

#include <functional>
#include <string>

namespace blazed::pg {
class PgPool;
}
namespace blazed::redis {
class RedisClient;
}
namespace blazed::crypto {
class Keyring;
class NonceSource;
}
namespace blazed::spapi {
class SpApiClient;
}
namespace blazed::queue {
class Producer;
class Handlers;
}  // namespace blazed::queue
namespace blazed::ratelimit {
class RateLimiter;
}
namespace blazed::metrics {
class Registry;
}

namespace blazed::jobs {

// Lifetime: every reference outlives the processors and the control server (the composition
// root stops those first). Threading: everything lives on the daemon's one event loop.
struct JobContext {
  const config::Config& config;
  const Clock& clock;
  std::string instance_id;
  pg::PgPool& db;
  redis::RedisClient& redis;
  crypto::Keyring& keyring;
  crypto::NonceSource& nonces;
  spapi::SpApiClient* spapi;  // nullptr when the SP-API is not configured (spapi.client_id empty)
  ratelimit::RateLimiter& rate_limiter;
  metrics::Registry& metrics;
  // The producer of a queue by name (created on first use).
  std::function<queue::Producer&(const std::string& queue)> producer;
};

// Registers the handler of every duty's job types (jobs/duties.cpp), each wrapped so that a run
// returning done sets kDutyLastSuccessMetric{duty} in ctx.metrics.
Status register_job_types(queue::Handlers& handlers, JobContext& ctx);
inline constexpr const char* kDutyLastSuccessMetric = "blazed_duty_last_success_timestamp_seconds";

}  // namespace blazed::jobs
