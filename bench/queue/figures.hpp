// Owns the bench's figures for one queue implementation and the Redis/process measurements
// behind them (INFO commandstats, RSS).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace blazed::bench {

struct Figures {
  std::string name;
  double enqueue_per_s = 0;
  double processed_per_s = 0;
  double pickup_p50_ms = 0;  // light load, from before the enqueue call to the handler's start
  double pickup_p99_ms = 0;
  double commands_per_job = 0;   // every Redis command, script-internal ones included
  double top_level_per_job = 0;  // commands a client sent (scripts, blocking pops, MULTI...)
  // Redis's time running the commands clients sent, per job (commandstats usec): what the
  // processing costs Redis, less sensitive to the machine's load than the rates.
  double redis_us_per_job = 0;
  double round_trips_per_job = -1;  // measured client-side where the client can count them
  double rss_queued_mb = 0;      // process RSS with all N jobs queued
  double rss_peak_mb = 0;        // process peak RSS over the whole run
};

// Calls and microseconds per command from an INFO commandstats reply
// ("cmdstat_zadd:calls=3,usec=12,...").
struct CommandStat {
  std::uint64_t calls = 0;
  std::uint64_t usec = 0;
};
using CommandStats = std::map<std::string, CommandStat>;
CommandStats parse_commandstats(const std::string& info);
// Commands that only a client can send (never from inside a Lua script): one per client request.
std::uint64_t top_level_calls(const CommandStats& stats);
std::uint64_t total_calls(const CommandStats& stats);
// Microseconds Redis spent in commands clients sent (a script's time includes its commands').
std::uint64_t top_level_usec(const CommandStats& stats);

// VmRSS / VmHWM of this process in MiB.
double rss_mb();
double peak_rss_mb();

double percentile(std::vector<double> v, double p);

// The median of repeated runs and their spread (max - min), for the figures of several runs.
struct Spread {
  double median = 0;
  double min = 0;
  double max = 0;
};
Spread spread(std::vector<double> v);

}  // namespace blazed::bench
