// Owns blazectl's entry point: global options, socket lookup, and dispatch to a subcommand.
#include "ctl/cli.hpp"
#include "ctl/socket_locator.hpp"

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <optional>

using namespace blazed::ctl;

namespace {

void print_help(std::ostream& out) {
  out << "usage: blazectl [options] SUBCOMMAND [ARGS]\n\n"
         "options (anywhere on the line):\n"
         "  --socket PATH     control socket (else $BLAZED_SOCKET, else --config, else "
      << default_socket_path
      << ")\n"
         "  --config FILE     read control.socket from this blazed config file\n"
         "  --json            print the raw JSON result (for scripts)\n"
         "  --timeout SECS    how long to wait for the daemon (default 10)\n"
         "  -h, --help        this help\n"
         "  --version         blazectl's version\n\nsubcommands:\n";
  for (const auto& [name, sub] : subcommands()) {
    out << "  " << sub.usage << "\n      " << sub.summary << "\n";
  }
  out << "\nexit codes: 0 ok, 1 command error, 2 usage, 3 cannot reach the daemon, "
         "4 unhealthy (health)\n";
}

}  // namespace

int main(int argc, char** argv) {
  SocketSources sources;
  if (const char* env = std::getenv("BLAZED_SOCKET")) sources.env = env;
  Context ctx{"", false, std::chrono::milliseconds(10'000), std::cout, std::cerr};
  std::vector<std::string> rest;

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    // Takes the option's value from "--opt=value" or the next argument.
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 < argc) return std::string(argv[++i]);
      return std::nullopt;
    };
    if (arg == "-h" || arg == "--help") {
      print_help(std::cout);
      return exit_code::ok;
    } else if (arg == "--version") {
      std::cout << "blazectl " << BLAZED_VERSION << "\n";
      return exit_code::ok;
    } else if (arg == "--json") {
      ctx.json = true;
    } else if (arg == "--socket" || arg == "--config" || arg == "--timeout") {
      auto v = value();
      if (!v) return ctx.usage_error(arg + " needs a value", "SUBCOMMAND [ARGS]");
      if (arg == "--socket") {
        sources.flag = *v;
      } else if (arg == "--config") {
        sources.config_file = *v;
      } else {
        double secs = 0;
        auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), secs);
        if (ec != std::errc{} || end != v->data() + v->size() || secs <= 0) {
          return ctx.usage_error("--timeout needs a positive number of seconds", "SUBCOMMAND");
        }
        ctx.timeout = std::chrono::milliseconds(static_cast<long long>(secs * 1000));
      }
    } else {
      if (inline_value) arg += "=" + *inline_value;
      rest.push_back(std::move(arg));
    }
  }

  if (rest.empty()) {
    print_help(std::cerr);
    return exit_code::usage;
  }
  // Two-word subcommands ("keys status", "sellers connect") first, then one-word ones.
  std::size_t words = 2;
  auto it = rest.size() >= 2 ? subcommands().find(rest[0] + " " + rest[1]) : subcommands().end();
  if (it == subcommands().end()) {
    it = subcommands().find(rest.front());
    words = 1;
  }
  if (it == subcommands().end()) {
    std::cerr << "blazectl: unknown subcommand \"" << rest.front() << "\" (see blazectl --help)\n";
    return exit_code::usage;
  }
  auto socket = locate_socket(sources);
  if (!socket) {
    std::cerr << "blazectl: " << socket.error().message << "\n";
    return exit_code::usage;
  }
  ctx.socket_path = *socket;
  rest.erase(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(words));
  return it->second.run(ctx, rest);
}
