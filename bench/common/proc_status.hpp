// Owns reading memory and CPU figures of a process (this one by default) from /proc for the
// benchmarks.
#pragma once

#include <sys/types.h>

#include <string>

namespace blazed::bench {

// A /proc/self/status field given in kB (VmRSS, VmHWM, ...), in MiB; 0 when absent.
double proc_status_mb(const std::string& field);
// The same field of process `pid`.
double proc_status_mb(const std::string& field, pid_t pid);
// User plus system CPU time process `pid` has used so far, in seconds (clock-tick resolution).
double proc_cpu_seconds(pid_t pid);

// Resets VmHWM to the current VmRSS (Linux >= 4.0), so a phase's peak can be read on its own.
// False when the kernel refused.
bool reset_peak_rss();

}  // namespace blazed::bench
