// Owns the queue bench's command line and report: runs blazed's queue and BullMQ with the same
// N and concurrency on the same Redis, prints the figures and the ratios.
#include "bullmq.hpp"
#include "ours.hpp"

#ifdef BLAZED_BENCH_HAS_HARNESS
#include "harness/redis_server.hpp"
#endif

#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

using namespace blazed::bench;

namespace {

void usage() {
  std::puts(
      "bench_queue [--n N] [--c CONCURRENCY] [--light M] [--redis-url URL] [--no-bullmq]\n"
      "            [--bullmq-script PATH]\n"
      "Without --redis-url a private redis-server is started on a free port.");
}

void print(const Figures& f) {
  std::printf("%-14s %12.0f %12.0f %9.3f %9.3f %10.2f %10.2f %10s %9.1f %9.1f\n", f.name.c_str(),
              f.enqueue_per_s, f.processed_per_s, f.pickup_p50_ms, f.pickup_p99_ms,
              f.commands_per_job, f.top_level_per_job,
              f.round_trips_per_job < 0 ? "-" : std::to_string(f.round_trips_per_job).substr(0, 5).c_str(),
              f.rss_queued_mb, f.rss_peak_mb);
}

}  // namespace

int main(int argc, char** argv) {
  Params p;
  bool bullmq = true;
  std::string script = BLAZED_BULLMQ_SCRIPT;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--n") p.n = std::stoi(value());
    else if (a == "--c") p.concurrency = std::stoi(value());
    else if (a == "--light") p.light = std::stoi(value());
    else if (a == "--redis-url") p.url = value();
    else if (a == "--bullmq-script") script = value();
    else if (a == "--no-bullmq") bullmq = false;
    else {
      usage();
      return a == "--help" ? 0 : 2;
    }
  }
  try {
#ifdef BLAZED_BENCH_HAS_HARNESS
    std::unique_ptr<blazed::testing::RedisServer> server;
    if (p.url.empty()) {
      server = std::make_unique<blazed::testing::RedisServer>();
      p.url = server->url();
    }
#endif
    if (p.url.empty()) {
      std::fputs("bench_queue: give --redis-url (built without the test harness)\n", stderr);
      return 2;
    }
    std::printf("queue bench: N=%d jobs, concurrency %d, light-load jobs %d, redis %s\n", p.n,
                p.concurrency, p.light, p.url.c_str());
    Figures ours = run_ours(p);
    std::optional<Figures> ref;
    if (bullmq) ref = run_bullmq(p, script);

    std::printf("\n%-14s %12s %12s %9s %9s %10s %10s %10s %9s %9s\n", "", "enqueue/s", "processed/s",
                "p50 ms", "p99 ms", "cmds/job", "top/job", "rtt/job", "RSS MB", "peak MB");
    print(ours);
    if (ref) {
      print(*ref);
      std::printf("\nratios blazed/bullmq: enqueue %.1fx, processed %.1fx, pickup p99 %.2fx, "
                  "commands/job %.2fx, peak RSS %.2fx\n",
                  ours.enqueue_per_s / ref->enqueue_per_s,
                  ours.processed_per_s / ref->processed_per_s,
                  ours.pickup_p99_ms / ref->pickup_p99_ms,
                  ours.commands_per_job / ref->commands_per_job,
                  ours.rss_peak_mb / ref->rss_peak_mb);
    }
    std::puts("\npickup: light load, from before the enqueue call to the handler's start.\n"
              "cmds/job: every Redis command (INFO commandstats, script-internal included);\n"
              "top/job: commands a client sent; rtt/job: requests blazed's clients sent.");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_queue: %s\n", e.what());
    return 1;
  }
  return 0;
}
