// Owns the second processes of the purge test: `write` stores SP-API pages the way the seller sync
// does (SyncStore::commit_page, today's partition) until SIGTERM, then reports how many it
// committed; `purge` runs the PII purge and reports each committed step (so the test can SIGKILL it mid-run).
//   purge_helper write DSN KEYDIR ACTIVE NOW_UNIX SELLER
//   purge_helper purge DSN NOW_UNIX BATCH STOP_AFTER_DELETED
// `purge` stops (waits for a signal) after the step that brings the rows deleted in batches to
// STOP_AFTER_DELETED or more, so the test kills it at a known point.
#include "core/log.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "jobs/purge/purge_run.hpp"
#include "jobs/sync/sync_store.hpp"
#include "pg/pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

using namespace blazed;
namespace asio = boost::asio;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_term(int) { g_stop = 1; }

template <class T>
T run(asio::io_context& io, asio::awaitable<T> work) {
  auto f = asio::co_spawn(io, std::move(work), asio::use_future);
  // Until the work is done, not until idle (the context may run out of work between two runs).
  while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    if (io.run_one() == 0) io.restart();
  return f.get();
}

std::unique_ptr<pg::PgPool> open_pool(asio::io_context& io, const char* dsn) {
  config::PostgresConfig cfg;
  cfg.dsn = dsn;
  cfg.pool_size = 2;
  return std::make_unique<pg::PgPool>(io.get_executor(), cfg, Secret{});
}

Clock::time_point at(const char* unix_seconds) {
  return Clock::time_point{std::chrono::seconds{std::atoll(unix_seconds)}};
}

int write_loop(const char* dsn, const char* dir, const char* active, const char* now, long seller) {
  std::signal(SIGTERM, on_term);
  crypto::KeyringOptions o;
  o.dir = dir;
  o.active_key = active;
  auto keys = crypto::Keyring::load(o).value();
  asio::io_context io;
  auto pool = open_pool(io, dsn);
  ManualClock clock(at(now));
  jobs::sync::SyncStore store(*pool, clock, keys, crypto::random_nonces(), "purge-helper-writer");
  const jobs::SyncWindow window{clock.now() - std::chrono::hours(1), clock.now()};
  if (auto st = run(io, store.begin_run(seller, jobs::sync::DataType::orders, window)); !st) {
    std::fprintf(stderr, "writer: %s\n", st.error().message.c_str());
    return 1;
  }
  const std::vector<spapi::Order> no_orders;
  long n = 0;
  while (!g_stop) {
    ++n;
    jobs::sync::PageToStore page;
    page.type = jobs::sync::DataType::orders;
    page.orders = &no_orders;
    page.raw = R"({"orders":[]})";
    page.request_id = "req-" + std::to_string(n);
    page.next_token = "next-" + std::to_string(n);
    auto written = run(io, store.commit_page(seller, page));
    if (!written) {
      std::fprintf(stderr, "writer: %s\n", written.error().message.c_str());
      return 1;
    }
    if (n == 1) {
      std::printf("started\n");
      std::fflush(stdout);
    }
  }
  std::printf("pages %ld\n", n);
  pool->stop();
  return 0;
}

int purge(const char* dsn, const char* now, long batch, long stop_after_deleted) {
  asio::io_context io;
  auto pool = open_pool(io, dsn);
  ManualClock clock(at(now));
  jobs::purge::PurgeOptions o;
  o.batch_size = batch;
  o.instance_id = "purge-helper";
  o.actor = "instance:purge-helper";
  o.on_step = [stop_after_deleted](const jobs::purge::PurgeProgress& p) {
    std::printf("step %lld %lld %lld\n", static_cast<long long>(p.dropped_partitions),
                static_cast<long long>(p.dropped_rows), static_cast<long long>(p.deleted_rows));
    std::fflush(stdout);
    if (p.deleted_rows >= stop_after_deleted)
      while (true) ::pause();
  };
  auto report = run(io, jobs::purge::run_purge(*pool, clock, o));
  if (!report) {
    std::fprintf(stderr, "purge: %s: %s\n", report.error().code.c_str(), report.error().message.c_str());
    return 1;
  }
  std::printf("done\n");
  pool->stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // stdout carries the reports the test reads: no info lines there.
  log::Settings settings;
  settings.level = log::Level::warn;
  log::configure(settings);
  if (argc == 7 && std::string(argv[1]) == "write")
    return write_loop(argv[2], argv[3], argv[4], argv[5], std::atol(argv[6]));
  if (argc == 6 && std::string(argv[1]) == "purge")
    return purge(argv[2], argv[3], std::atol(argv[4]), std::atol(argv[5]));
  std::fprintf(stderr, "usage: purge_helper write DSN KEYDIR ACTIVE NOW SELLER | purge DSN NOW BATCH STOP\n");
  return 2;
}
