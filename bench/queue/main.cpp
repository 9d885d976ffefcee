// Owns the queue bench's command line and report: runs blazed's queue and BullMQ with the same
// N and concurrency on the same Redis, each several times (alternating, so drift in the machine's
// load hits both alike), prints every run, the medians and spreads, and the ratios.
#include "bullmq.hpp"
#include "ours.hpp"

#ifdef BLAZED_BENCH_HAS_HARNESS
#include "private_redis.hpp"
#endif

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace blazed::bench;

namespace {

void usage() {
  std::puts(
      "bench_queue [--n N] [--c CONCURRENCY] [--light M] [--runs R] [--tls]\n"
      "            [--redis-url URL [--tls-ca-file PEM]] [--no-bullmq] [--bullmq-script PATH]\n"
      "Without --redis-url a private redis-server is started on a free port; with --tls it\n"
      "speaks TLS only, with a throwaway CA, and both sides connect over TLS.");
}

void print(const Figures& f) {
  std::printf("%-14s %12.0f %12.0f %9.3f %9.3f %10.2f %10.2f %9.2f %10s %9.1f %9.1f\n", f.name.c_str(),
              f.enqueue_per_s, f.processed_per_s, f.pickup_p50_ms, f.pickup_p99_ms,
              f.commands_per_job, f.top_level_per_job, f.redis_us_per_job,
              f.round_trips_per_job < 0 ? "-" : std::to_string(f.round_trips_per_job).substr(0, 5).c_str(),
              f.rss_queued_mb, f.rss_peak_mb);
}

// "median (min-max)" of one figure over the runs, with `decimals` digits.
std::string median_and_spread(const std::vector<double>& v, int decimals) {
  const Spread s = spread(v);
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.*f (%.*f-%.*f)", decimals, s.median, decimals, s.min, decimals, s.max);
  return buf;
}

template <class Get>
std::vector<double> each(const std::vector<Figures>& runs, Get get) {
  std::vector<double> out;
  for (const auto& f : runs) out.push_back(get(f));
  return out;
}

void print_summary(const char* name, const std::vector<Figures>& runs) {
  std::printf("%-14s enqueue/s %s, processed/s %s, pickup p99 ms %s, redis us/job %s\n", name,
              median_and_spread(each(runs, [](const Figures& f) { return f.enqueue_per_s; }), 0).c_str(),
              median_and_spread(each(runs, [](const Figures& f) { return f.processed_per_s; }), 0).c_str(),
              median_and_spread(each(runs, [](const Figures& f) { return f.pickup_p99_ms; }), 3).c_str(),
              median_and_spread(each(runs, [](const Figures& f) { return f.redis_us_per_job; }), 2).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Params p;
  bool bullmq = true;
  bool tls = false;
  int runs = 3;
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
    else if (a == "--runs") runs = std::max(1, std::stoi(value()));
    else if (a == "--redis-url") p.url = value();
    else if (a == "--tls-ca-file") p.tls_ca_file = value();
    else if (a == "--tls") tls = true;
    else if (a == "--bullmq-script") script = value();
    else if (a == "--no-bullmq") bullmq = false;
    else {
      usage();
      return a == "--help" ? 0 : 2;
    }
  }
  try {
    if (tls && !p.url.empty()) {
      std::fputs("bench_queue: --tls starts its own server; with --redis-url give a rediss:// URL\n", stderr);
      return 2;
    }
#ifdef BLAZED_BENCH_HAS_HARNESS
    std::unique_ptr<PrivateRedis> server;
    if (p.url.empty()) {
      server = std::make_unique<PrivateRedis>(tls);
      p.url = server->url();
      p.tls_ca_file = server->ca_file();
    }
#endif
    if (p.url.empty()) {
      std::fputs("bench_queue: give --redis-url (built without the test harness)\n", stderr);
      return 2;
    }
    const char* transport = p.url.starts_with("rediss") ? "over TLS"
                            : p.url.starts_with("unix") ? "over a Unix socket"
                                                        : "over plain TCP";
    std::printf("queue bench %s: N=%d jobs, concurrency %d, light-load jobs %d, %d runs per side, redis %s\n",
                transport, p.n, p.concurrency, p.light, runs, p.url.c_str());
    std::vector<Figures> ours;
    std::vector<Figures> refs;
    for (int r = 0; r < runs; ++r) {
      ours.push_back(run_ours(p));
      if (bullmq) refs.push_back(run_bullmq(p, script));
    }

    std::printf("\n%-14s %12s %12s %9s %9s %10s %10s %9s %10s %9s %9s\n", "", "enqueue/s", "processed/s",
                "p50 ms", "p99 ms", "cmds/job", "top/job", "us/job", "rtt/job", "RSS MB", "peak MB");
    for (std::size_t r = 0; r < ours.size(); ++r) {
      print(ours[r]);
      if (r < refs.size()) print(refs[r]);
    }
    std::printf("\nmedian (min-max) of %d runs, %s:\n", runs, transport);
    print_summary(ours.front().name.c_str(), ours);
    if (!refs.empty()) {
      print_summary(refs.front().name.c_str(), refs);
      std::vector<double> enqueue_ratio;
      std::vector<double> processed_ratio;
      for (std::size_t r = 0; r < refs.size(); ++r) {
        enqueue_ratio.push_back(ours[r].enqueue_per_s / refs[r].enqueue_per_s);
        processed_ratio.push_back(ours[r].processed_per_s / refs[r].processed_per_s);
      }
      std::printf("\nratios blazed/bullmq (run by run, median (min-max)): enqueue %sx, processed %sx; "
                  "last run: pickup p99 %.2fx, commands/job %.2fx, peak RSS %.2fx\n",
                  median_and_spread(enqueue_ratio, 1).c_str(),
                  median_and_spread(processed_ratio, 1).c_str(),
                  ours.back().pickup_p99_ms / refs.back().pickup_p99_ms,
                  ours.back().commands_per_job / refs.back().commands_per_job,
                  ours.back().rss_peak_mb / refs.back().rss_peak_mb);
    }
    std::puts("\npickup: light load, from before the enqueue call to the handler's start.\n"
              "cmds/job: every Redis command (INFO commandstats, script-internal included);\n"
              "top/job: commands a client sent; us/job: Redis's time in them (commandstats usec);\n"
              "rtt/job: requests blazed's clients sent.");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_queue: %s\n", e.what());
    return 1;
  }
  return 0;
}
