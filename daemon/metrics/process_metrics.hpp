// Owns the standard process metrics (memory, CPU, open fds, start time) and blazed_build_info,
// read from /proc at each scrape.
#pragma once

#include "metrics/registry.hpp"

#include <optional>
#include <string>

namespace blazed::metrics {

// What /proc says about this process right now; fields are empty when /proc cannot tell.
struct ProcessStats {
  std::optional<double> resident_memory_bytes;
  std::optional<double> virtual_memory_bytes;
  std::optional<double> cpu_seconds;
  std::optional<double> open_fds;
  std::optional<double> max_fds;
  std::optional<double> start_time_seconds;  // since the Unix epoch
};
ProcessStats read_process_stats();

// Registers process_resident_memory_bytes, process_virtual_memory_bytes,
// process_cpu_seconds_total, process_open_fds, process_max_fds, process_start_time_seconds
// and blazed_build_info{version} 1.
void register_process_metrics(Registry& registry, const std::string& version);

}  // namespace blazed::metrics
