// Owns proc_status_mb(), proc_cpu_seconds() and reset_peak_rss().
#include "common/proc_status.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace blazed::bench {

namespace {

double status_mb(const std::string& path, const std::string& field) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}

}  // namespace

double proc_status_mb(const std::string& field) { return status_mb("/proc/self/status", field); }

double proc_status_mb(const std::string& field, pid_t pid) {
  return status_mb("/proc/" + std::to_string(pid) + "/status", field);
}

double proc_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start at state (field 3); utime and
  // stime are fields 14 and 15.
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

}  // namespace blazed::bench
