// Owns the SIGKILL test's child process: runs one seller's orders sync against the services the
// test started and reports each committed page to the parent through sd_notify ("STATUS=pages=N"),
// so the parent can kill it right after page N.
// Usage: sync_kill_helper PG_DSN REDIS_PORT SPAPI_URL CA_FILE KEY_DIR SELLER
#include "core/log.hpp"
#include "harness/run_coro.hpp"
#include "jobs/sync/seller_sync.hpp"
#include "queue/outcome.hpp"
#include "queue/handlers.hpp"
#include "sync_rig.hpp"

#include <systemd/sd-daemon.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdio>
#include <exception>

using namespace blazed;

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: sync_kill_helper PG_DSN REDIS_PORT SPAPI_URL CA_FILE KEY_DIR SELLER\n");
    return 2;
  }
  try {
    log::Settings settings;
    settings.level = log::Level::warn;
    log::configure(settings);
    boost::asio::io_context io;
    testing::SyncRigOptions o;
    o.pg_dsn = argv[1];
    o.redis.url = std::string("redis://127.0.0.1:") + argv[2] + "/0";
    o.spapi_url = argv[3];
    o.spapi_ca = argv[4];
    o.client_id = "blazed-test-client";
    o.client_secret = "blazed-test-secret";
    o.key_dir = argv[5];
    o.plans = {{"searchOrders", 50, 100}};
    testing::SyncRig rig(io, o);
    auto request = jobs::sync::parse_sync_payload(jobs::sync::sync_payload(std::stoll(argv[6]), "orders")).value();
    // The page counter is checked after every event the loop handles: no timer, no polling.
    auto& pages = rig.registry.counter("blazed_sync_pages_total", "SP-API pages stored by the seller sync", {"data_type"}).with({"orders"});
    auto done = boost::asio::co_spawn(io, jobs::sync::run_seller_sync(*rig.ctx, *rig.metrics, request),
                                      boost::asio::use_future);
    double reported = 0;
    while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      if (io.run_one() == 0) io.restart();
      if (pages.value() > reported) {
        reported = pages.value();
        sd_notifyf(0, "STATUS=pages=%d", static_cast<int>(reported));
      }
    }
    queue::HandlerOutcome st = done.get();
    std::printf("%s\n", st.is_done() ? "done" : st.deferral() ? "defer" : st.error()->code.c_str());
    return st.is_done() ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sync_kill_helper: %s\n", e.what());
    return 1;
  }
}
