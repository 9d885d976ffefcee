// Owns the standard process metrics read from /proc (see process_metrics.hpp).
#include "metrics/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace blazed::metrics {
namespace {

// Fields of /proc/self/stat after the command name (which may contain spaces and parentheses).
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 1));
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

std::optional<double> boot_time_seconds() {
  std::ifstream in("/proc/stat");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("btime ")) return std::stod(line.substr(6));
  }
  return std::nullopt;
}

}  // namespace

ProcessStats read_process_stats() {
  ProcessStats s;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // After the name: field 0 is state (3rd in proc(5)), so proc(5) field N is index N - 3.
  auto f = stat_fields();
  if (f.size() > 21 && ticks > 0) {
    s.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;  // utime + stime
    s.virtual_memory_bytes = std::stod(f[20]);
    s.resident_memory_bytes = std::stod(f[21]) * page;
    if (auto boot = boot_time_seconds()) s.start_time_seconds = *boot + std::stod(f[19]) / ticks;
  }
  std::error_code ec;
  double fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++fds;
  }
  // The iterator's own descriptor is counted too; it is closed again right after.
  if (!ec && fds > 0) s.open_fds = fds - 1;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) s.max_fds = static_cast<double>(lim.rlim_cur);
  return s;
}

void register_process_metrics(Registry& registry, const std::string& version) {
  auto one = [](std::optional<double> ProcessStats::*field) {
    return [field] {
      auto v = read_process_stats().*field;
      return v ? std::vector<Sample>{{{}, *v}} : std::vector<Sample>{};
    };
  };
  registry.callback(Type::gauge, "process_resident_memory_bytes", "Resident memory size in bytes.",
                    {}, one(&ProcessStats::resident_memory_bytes));
  registry.callback(Type::gauge, "process_virtual_memory_bytes", "Virtual memory size in bytes.",
                    {}, one(&ProcessStats::virtual_memory_bytes));
  registry.callback(Type::counter, "process_cpu_seconds_total",
                    "Total user and system CPU time spent in seconds.", {},
                    one(&ProcessStats::cpu_seconds));
  registry.callback(Type::gauge, "process_open_fds", "Number of open file descriptors.", {},
                    one(&ProcessStats::open_fds));
  registry.callback(Type::gauge, "process_max_fds", "Maximum number of open file descriptors.", {},
                    one(&ProcessStats::max_fds));
  registry.callback(Type::gauge, "process_start_time_seconds",
                    "Start time of the process since unix epoch in seconds.", {},
                    one(&ProcessStats::start_time_seconds));
  registry.callback(Type::gauge, "blazed_build_info", "Build information; the value is always 1.",
                    {"version"}, [version] { return std::vector<Sample>{{{version}, 1.0}}; });
}

}  // namespace blazed::metrics
