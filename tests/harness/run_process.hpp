// Owns running a program from a test: argv and extra environment in, exit code and captured
// stdout/stderr out. Waits for the process to exit (the real event), never on a timer.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace blazed::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is a path) with the current environment plus `env` (empty values unset
// the variable), and `stdin_data` on its standard input.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {},
                          const std::string& stdin_data = {});

}  // namespace blazed::testing
