// Owns reading memory figures of this process from /proc/self/status for the benchmarks.
#pragma once

#include <string>

namespace blazed::bench {

// A /proc/self/status field given in kB (VmRSS, VmHWM, ...), in MiB; 0 when absent.
double proc_status_mb(const std::string& field);

}  // namespace blazed::bench
