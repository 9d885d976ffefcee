// Owns parsing INFO commandstats, reading this process's RSS, percentiles and medians.
#include "common/proc_status.hpp"
#include "figures.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace blazed::bench {

CommandStats parse_commandstats(const std::string& info) {
  CommandStats out;
  std::istringstream in(info);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("cmdstat_")) continue;
    auto colon = line.find(':');
    auto calls = line.find("calls=");
    if (colon == std::string::npos || calls == std::string::npos) continue;
    auto& stat = out[line.substr(8, colon - 8)];
    stat.calls = std::stoull(line.substr(calls + 6));
    if (auto usec = line.find("usec="); usec != std::string::npos) stat.usec = std::stoull(line.substr(usec + 5));
  }
  return out;
}

namespace {

bool client_only(const std::string& cmd) {
  static const std::set<std::string> names = {
      "eval",    "evalsha", "eval_ro", "evalsha_ro", "fcall",  "multi",  "exec",
      "blpop",   "brpop",   "blmove",  "brpoplpush", "bzpopmin", "bzpopmax", "bzmpop",
      "blmpop",  "xread",   "client|setname", "client|setinfo", "hello", "ping", "select",
      "auth",    "info",    "config|resetstat", "script|load", "flushall", "quit"};
  return names.count(cmd) != 0;
}

}  // namespace

std::uint64_t top_level_calls(const CommandStats& stats) {
  std::uint64_t n = 0;
  for (const auto& [cmd, s] : stats)
    if (client_only(cmd)) n += s.calls;
  return n;
}

std::uint64_t top_level_usec(const CommandStats& stats) {
  std::uint64_t n = 0;
  for (const auto& [cmd, s] : stats)
    if (client_only(cmd)) n += s.usec;
  return n;
}

std::uint64_t total_calls(const CommandStats& stats) {
  std::uint64_t n = 0;
  for (const auto& [cmd, s] : stats) n += s.calls;
  return n;
}


double rss_mb() { return blazed::bench::proc_status_mb("VmRSS"); }
double peak_rss_mb() { return blazed::bench::proc_status_mb("VmHWM"); }

Spread spread(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double mid = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return {mid, v.front(), v.back()};
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()))) ;
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

}  // namespace blazed::bench
