// Owns blazectl's plug-in point for subcommands and what they share: exit codes, the context
// (socket, output format, timeout, streams, confirmation) and the call-print-exit path. A new subcommand is
// one cmd_NAME.cpp file holding a `Registrar`, listed in daemon/ctl/CMakeLists.txt.
#pragma once

#include "ctl/client.hpp"

#include <chrono>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace blazed::ctl {

// blazectl's exit codes (documented in docs/control-protocol.md).
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int command_error = 1;  // the daemon answered ok:false
inline constexpr int usage = 2;          // bad command line or config file
inline constexpr int unreachable = 3;    // cannot connect, refused (busy/forbidden), timeout
inline constexpr int unhealthy = 4;      // `health`: the daemon answered, not healthy
inline constexpr int noncompliant = 5;   // `compliance report`: the daemon answered, a line fails
}  // namespace exit_code

struct Context {
  std::string socket_path;
  bool json = false;  // -o json (or --json): the raw result; else tables and text
  std::chrono::milliseconds timeout{10'000};
  std::ostream& out;
  std::ostream& err;
  bool no_headers = false;  // --no-headers: tables without their header line
  bool yes = false;         // --yes: destroy without asking
  // Where a confirmation is read from; without a terminal there is no prompt (--yes or nothing).
  std::istream* in = nullptr;
  bool interactive = false;

  // Connects, sends one command and waits for its reply. Transport failures are the error.
  Result<Reply> call(std::string_view command, const boost::json::object& args = {});

  // The common ending: prints a transport failure (exit 3), a command error (exit 1), or the
  // result (exit 0): raw JSON with --json, else `human(result)` written to `out`.
  int finish(const Result<Reply>& reply,
             const std::function<void(const boost::json::value&)>& human);

  // Prints "blazectl: message" and `usage` to err; returns exit_code::usage.
  int usage_error(std::string_view message, std::string_view usage);

  // Before a command destroys something: nullopt to go on (--yes, or "y" typed at the prompt on
  // a terminal); else the exit code to stop with (2 without a terminal and --yes, 1 declined).
  [[nodiscard]] std::optional<int> confirm(std::string_view what);

  // print_table honouring --no-headers.
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
};

struct Subcommand {
  std::string name;
  std::string summary;  // one line, for `blazectl --help`
  std::string usage;    // e.g. "call COMMAND [--arg KEY=VALUE ...]"
  std::function<int(Context&, const std::vector<std::string>& args)> run;
};

// A subcommand that takes no arguments: it calls the daemon's `command` and prints the result
// with `human` (or the JSON with --json). Its usage line is its name.
Subcommand without_args(std::string name, std::string summary, std::string command,
                        std::function<void(Context&, const boost::json::value&)> human);

// Every subcommand linked into blazectl, by name.
const std::map<std::string, Subcommand>& subcommands();

// Registers a subcommand at static initialisation: `const Registrar reg{{"status", ...}};`
// A name may be two words ("keys status"): main dispatches to it before the one-word names.
struct Registrar {
  explicit Registrar(Subcommand sub);
};

}  // namespace blazed::ctl
