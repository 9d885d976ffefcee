// Owns proc_status_mb().
#include "common/proc_status.hpp"

#include <fstream>

namespace blazed::bench {

double proc_status_mb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}

}  // namespace blazed::bench
