// Owns wiring keys and seller tokens into the daemon: the keys.* and sellers.connect/
// disconnect commands, the credential-age gauges, and the start-up check that enqueues a key
// rotation when rows are not under the active key (a reload that changes the active key does the
// same: reload_keyring.cpp).
#include "jobs/keys/key_rotation_job.hpp"
#include "jobs/keys/keys_commands.hpp"
#include "jobs/keys/credential_metrics.hpp"
#include "app/parts.hpp"

namespace blazed::app {
namespace asio = boost::asio;

namespace {

asio::awaitable<void> enqueue_rotation_at_start(Parts& p) {
  // The check needs Redis for the enqueue; a daemon that cannot reach it retries at next start
  // or on `blazectl keys rotate`.
  if (auto up = co_await p.redis->wait_connected(std::chrono::seconds(30)); !up) {
    p.logger.warn("key rotation check skipped: Redis not reachable", {{"error", up.error().message}});
    co_return;
  }
  auto queued = co_await jobs::enqueue_rotation_if_needed(*p.job_context);
  if (!queued) p.logger.warn("key rotation check failed", {{"error", queued.error().message}});
}

}  // namespace

Status start_keys(Parts& p) {
  if (auto st = jobs::register_keys_commands(p.commands, *p.job_context); !st) return st;
  jobs::register_credential_metrics(p.metrics, *p.job_context);
  p.spawn_background(enqueue_rotation_at_start(p));
  return {};
}

}  // namespace blazed::app
