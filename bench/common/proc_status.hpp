// Owns reading memory figures of this process from /proc/self/status for the benchmarks.
#pragma once

#include <string>

namespace blazed::bench {

// A /proc/self/status field given in kB (VmRSS, VmHWM, ...), in MiB; 0 when absent.
double proc_status_mb(const std::string& field);

// Resets VmHWM to the current VmRSS (Linux >= 4.0), so a phase's peak can be read on its own.
// False when the kernel refused.
bool reset_peak_rss();

}  // namespace blazed::bench
