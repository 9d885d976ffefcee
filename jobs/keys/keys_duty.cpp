// Owns the keys duty's registration, and its start-up check: a rotation is enqueued when rows are
// not under the active key (a reload that changes the active key does the same:
// daemon/app/reload_keyring.cpp).
#include "jobs/keys/keys_duty.hpp"

#include "core/log.hpp"
#include "core/log_failure.hpp"
#include "jobs/keys/credential_metrics.hpp"
#include "jobs/keys/key_rotation_job.hpp"
#include "jobs/keys/keys_commands.hpp"
#include "redis/client.hpp"

namespace blazed::jobs {

namespace asio = boost::asio;

namespace {

asio::awaitable<void> enqueue_rotation_at_start(DutyRuntime rt) {
  log::Logger logger("keys");
  // The check needs Redis for the enqueue; a daemon that cannot reach it retries at next start
  // or on `blazectl keys rotate`.
  if (auto up = co_await rt.ctx.redis.wait_connected(std::chrono::seconds(30)); !up) {
    log::failure(logger, "key rotation check skipped: Redis not reachable", up.error());
    co_return;
  }
  auto queued = co_await enqueue_rotation_if_needed(rt.ctx);
  if (!queued) log::failure(logger, "key rotation check failed", queued.error());
}

}  // namespace

Duty keys_duty() {
  return {.name = "keys",
          .doc = "docs/keys.md",
          .job_types = register_key_rotation,
          .commands = register_keys_commands,
          .metrics = [](JobContext& ctx) { register_credential_metrics(ctx.metrics, ctx); },
          .background = enqueue_rotation_at_start};
}

}  // namespace blazed::jobs
