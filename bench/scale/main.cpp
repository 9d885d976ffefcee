// Owns bench_scale: N small sellers (4 orders, 2 transactions each) on one deployment, synced by
// one or more blazed daemons from the local SP-API server; prints per N and daemon count the
// daemons' CPU per seller sync, idle CPU after the round, RSS, Redis and PostgreSQL bytes per
// seller, /metrics bytes and the round's time, next to the targets (bench/README.md).
#include "common/proc_status.hpp"
#include "scale/figures.hpp"
#include "scale/fleet.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace blazed::bench;
using Seconds = std::chrono::duration<double>;

namespace {

struct Options {
  std::vector<long> sellers{1000, 10000};
  std::vector<int> daemons{1, 2};
  int idle_seconds = 30;
  int concurrency = 32;
  int timeout_minutes = 180;
};

struct Row {
  long sellers = 0;
  int daemons = 0;
  double round_s = 0;
  double cpu_ms_per_sync = 0;
  double idle_pct = 0;  // of one core, all daemons together
  double rss_mib = 0;   // the largest daemon's
  double redis_b_per_seller = 0;      // used_memory's growth
  double redis_key_b_per_seller = 0;  // the keys' own bytes
  double redis_keys_per_seller = 0;
  std::size_t metrics_bytes = 0;
  double pg_b_per_seller = 0;
};

template <class T>
std::vector<T> list(const char* arg) {
  std::vector<T> out;
  std::stringstream in(arg);
  for (std::string item; std::getline(in, item, ',');) out.push_back(static_cast<T>(std::stol(item)));
  return out;
}

double cpu_of(const std::vector<pid_t>& pids) {
  double total = 0;
  for (pid_t p : pids) total += proc_cpu_seconds(p);
  return total;
}

Row run(const Options& o, long sellers, int daemons) {
  std::fprintf(stderr, "== %ld sellers, %d daemon(s): starting the services\n", sellers, daemons);
  Fleet fleet({sellers, daemons, o.concurrency});
  const auto redis_before = redis_figures(fleet.env(), false);
  fleet.start_daemons();
  const auto pids = fleet.daemon_pids();
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_of(pids);
  long synced = 0;
  auto last_report = start;
  while ((synced = sellers_synced(fleet.env())) < sellers) {
    const auto now = std::chrono::steady_clock::now();
    if (now - start > std::chrono::minutes(o.timeout_minutes)) throw std::runtime_error("the round timed out");
    if (now - last_report > std::chrono::seconds(30)) {
      std::fprintf(stderr, "   %ld / %ld synced after %.0f s\n", synced, sellers, Seconds(now - start).count());
      last_report = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  Row row;
  row.sellers = sellers;
  row.daemons = daemons;
  row.round_s = Seconds(std::chrono::steady_clock::now() - start).count();
  row.cpu_ms_per_sync = (cpu_of(pids) - cpu_start) * 1000.0 / static_cast<double>(sellers);

  const auto redis_after = redis_figures(fleet.env(), true);
  row.redis_b_per_seller = (redis_after.used_bytes - redis_before.used_bytes) / static_cast<double>(sellers);
  row.redis_key_b_per_seller = (redis_after.key_bytes - redis_before.key_bytes) / static_cast<double>(sellers);
  row.redis_keys_per_seller = static_cast<double>(redis_after.keys - redis_before.keys) / static_cast<double>(sellers);
  std::fprintf(stderr, "   Redis keys after the round, by kind:\n");
  for (const auto& [kind, n] : redis_after.kinds) std::fprintf(stderr, "     %8ld  %s\n", n, kind.c_str());
  row.pg_b_per_seller = (pg_database_bytes(fleet.env()) - fleet.pg_empty_bytes()) / static_cast<double>(sellers);

  // Idle: nothing is due until the next interval (24 h, jitter 0).
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const double cpu_idle = cpu_of(pids);
  std::this_thread::sleep_for(std::chrono::seconds(o.idle_seconds));
  row.idle_pct = (cpu_of(pids) - cpu_idle) * 100.0 / o.idle_seconds;
  for (pid_t p : pids) row.rss_mib = std::max(row.rss_mib, proc_status_mb("VmRSS", p));
  row.metrics_bytes = metrics_bytes(fleet.health_ports().front());
  const auto redis_idle = redis_figures(fleet.env(), false);
  std::fprintf(stderr, "   Redis after %d s idle: %.0f B/seller (keys %.0f B), %.2f keys/seller\n",
               o.idle_seconds + 3, (redis_idle.used_bytes - redis_before.used_bytes) / static_cast<double>(sellers),
               (redis_idle.key_bytes - redis_before.key_bytes) / static_cast<double>(sellers),
               static_cast<double>(redis_idle.keys - redis_before.keys) / static_cast<double>(sellers));
  return row;
}

void print(const std::vector<Row>& rows) {
  std::printf("\n| sellers | daemons | round | CPU/sync (<= 3 ms) | idle CPU (<= 2 %%) | RSS (<= 64 MiB) | "
              "Redis (<= 400 B/seller) | of which keys | keys/seller | /metrics (<= 64 KiB) | PostgreSQL/seller |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : rows) {
    std::printf("| %ld | %d | %.1f s | %.2f ms | %.2f %% | %.1f MiB | %.0f B | %.0f B | %.2f | %.1f KiB | %.0f B |\n",
                r.sellers, r.daemons, r.round_s, r.cpu_ms_per_sync, r.idle_pct, r.rss_mib, r.redis_b_per_seller,
                r.redis_key_b_per_seller,
                r.redis_keys_per_seller, static_cast<double>(r.metrics_bytes) / 1024.0, r.pg_b_per_seller);
  }
  // Linear cost: the per-seller figures at the largest N against the smallest, per daemon count.
  for (const auto& small : rows) {
    for (const auto& big : rows) {
      if (big.daemons != small.daemons || big.sellers <= small.sellers) continue;
      bool largest = true;
      for (const auto& r : rows) largest = largest && !(r.daemons == big.daemons && r.sellers > big.sellers);
      bool smallest = true;
      for (const auto& r : rows) smallest = smallest && !(r.daemons == small.daemons && r.sellers < small.sellers);
      if (!largest || !smallest) continue;
      const auto n = [](double v, long s) { return v / static_cast<double>(s); };
      std::printf("\n%d daemon(s), %ld vs %ld sellers (target: each <= 1.5x): CPU/sync %.2fx, Redis keys/seller %.2fx, "
                  "PostgreSQL/seller %.2fx, round time/seller %.2fx\n",
                  big.daemons, big.sellers, small.sellers, big.cpu_ms_per_sync / small.cpu_ms_per_sync,
                  big.redis_key_b_per_seller / small.redis_key_b_per_seller, big.pg_b_per_seller / small.pg_b_per_seller,
                  n(big.round_s, big.sellers) / n(small.round_s, small.sellers));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--sellers") o.sellers = list<long>(argv[i + 1]);
    else if (flag == "--daemons") o.daemons = list<int>(argv[i + 1]);
    else if (flag == "--idle") o.idle_seconds = std::atoi(argv[i + 1]);
    else if (flag == "--concurrency") o.concurrency = std::atoi(argv[i + 1]);
    else if (flag == "--timeout-minutes") o.timeout_minutes = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: bench_scale [--sellers 1000,10000,100000] [--daemons 1,2] [--idle S] "
                           "[--concurrency C] [--timeout-minutes M]\n");
      return 2;
    }
  }
  std::vector<Row> rows;
  try {
    for (long n : o.sellers)
      for (int d : o.daemons) {
        rows.push_back(run(o, n, d));
        print({rows.back()});
      }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_scale: %s\n", e.what());
    if (!rows.empty()) print(rows);
    return 1;
  }
  std::printf("\nAll runs:\n");
  print(rows);
  return 0;
}
