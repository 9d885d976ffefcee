// Owns blazectl's entry point: global options, help (overall, per subcommand, per group of verbs),
// socket lookup, and dispatch to a subcommand.
#include "ctl/cli.hpp"
#include "ctl/socket_locator.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <optional>

using namespace blazed::ctl;

namespace {

constexpr const char* kUsage = "[options] SUBCOMMAND [ARGS]";

void print_help(std::ostream& out) {
  out << "usage: blazectl " << kUsage << "\n\n"
         "options (anywhere on the line; --opt=value works for every option):\n"
         "  --socket PATH       control socket (else $BLAZED_SOCKET, else --config, else "
      << default_socket_path
      << ")\n"
         "  --config FILE       read control.socket from this blazed config file\n"
         "  -o, --output FMT    table (default: tables and text) or json (the raw result, for scripts)\n"
         "  --json              the same as -o json\n"
         "  --no-headers        tables without their header line\n"
         "  -y, --yes           do what destroys something without asking (no terminal: required)\n"
         "  --timeout SECS      how long to wait for the daemon (default 10)\n"
         "  -h, --help          this help; after a subcommand, that subcommand's help\n"
         "  --version           blazectl's version\n\nsubcommands:\n";
  for (const auto& [name, sub] : subcommands()) {
    out << "  " << sub.usage << "\n      " << sub.summary << "\n";
  }
  out << "\nexit codes: 0 ok, 1 command error, 2 usage, 3 cannot reach the daemon, "
         "4 unhealthy (health)\n";
}

void print_subcommand_help(std::ostream& out, const Subcommand& sub) {
  out << "usage: blazectl [options] " << sub.usage << "\n  " << sub.summary
      << "\n\nglobal options: blazectl --help\n";
}

// The two-word subcommands starting with `group` ("keys" -> keys status, keys rotate).
std::vector<const Subcommand*> verbs_of(const std::string& group) {
  std::vector<const Subcommand*> out;
  for (const auto& [name, sub] : subcommands())
    if (name.starts_with(group + " ")) out.push_back(&sub);
  return out;
}

void print_verbs(std::ostream& out, const std::vector<const Subcommand*>& verbs) {
  for (const auto* sub : verbs) out << "  " << sub->usage << "\n      " << sub->summary << "\n";
}

// "--opt=value" as "--opt" "value", so that every subcommand reads both forms the same way.
std::vector<std::string> split_inline_values(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    auto eq = a.find('=');
    if (a.starts_with("--") && eq != std::string::npos) {
      out.push_back(a.substr(0, eq));
      out.push_back(a.substr(eq + 1));
    } else {
      out.push_back(a);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  SocketSources sources;
  if (const char* env = std::getenv("BLAZED_SOCKET")) sources.env = env;
  Context ctx{"", false, std::chrono::milliseconds(10'000), std::cout, std::cerr};
  ctx.in = &std::cin;
  ctx.interactive = ::isatty(STDIN_FILENO) == 1;
  std::vector<std::string> rest;
  bool help = false;

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (auto eq = arg.find('='); arg.starts_with("-") && eq != std::string::npos) {
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
      help = true;
    } else if (arg == "--version") {
      std::cout << "blazectl " << BLAZED_VERSION << "\n";
      return exit_code::ok;
    } else if (arg == "--json") {
      ctx.json = true;
    } else if (arg == "--no-headers") {
      ctx.no_headers = true;
    } else if (arg == "-y" || arg == "--yes") {
      ctx.yes = true;
    } else if (arg == "-o" || arg == "--output") {
      auto v = value();
      if (!v || (*v != "json" && *v != "table"))
        return ctx.usage_error(arg + " takes json or table", kUsage);
      ctx.json = *v == "json";
    } else if (arg == "--socket" || arg == "--config" || arg == "--timeout") {
      auto v = value();
      if (!v) return ctx.usage_error(arg + " needs a value", kUsage);
      if (arg == "--socket") {
        sources.flag = *v;
      } else if (arg == "--config") {
        sources.config_file = *v;
      } else {
        double secs = 0;
        auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), secs);
        if (ec != std::errc{} || end != v->data() + v->size() || secs <= 0) {
          return ctx.usage_error("--timeout needs a positive number of seconds", kUsage);
        }
        ctx.timeout = std::chrono::milliseconds(static_cast<long long>(secs * 1000));
      }
    } else {
      if (inline_value) arg += "=" + *inline_value;
      rest.push_back(std::move(arg));
    }
  }

  if (rest.empty()) {
    print_help(help ? std::cout : std::cerr);
    return help ? exit_code::ok : exit_code::usage;
  }
  // Two-word subcommands ("keys status", "sellers connect") first, then one-word ones.
  std::size_t words = 2;
  auto it = rest.size() >= 2 ? subcommands().find(rest[0] + " " + rest[1]) : subcommands().end();
  if (it == subcommands().end()) {
    it = subcommands().find(rest.front());
    words = 1;
  }
  if (it == subcommands().end()) {
    // A group of verbs ("blazectl keys"): list them, like systemctl and kubectl do.
    auto verbs = verbs_of(rest.front());
    if (verbs.empty()) {
      std::cerr << "blazectl: unknown subcommand \"" << rest.front() << "\" (blazectl --help lists them)\n";
      return exit_code::usage;
    }
    if (help) {
      std::cout << "usage: blazectl [options] " << rest.front() << " VERB [ARGS]\n\nverbs:\n";
      print_verbs(std::cout, verbs);
      return exit_code::ok;
    }
    std::cerr << "blazectl: " << rest.front()
              << (rest.size() == 1 ? " needs a verb" : " has no verb \"" + rest[1] + "\"") << "; one of:\n";
    print_verbs(std::cerr, verbs);
    return exit_code::usage;
  }
  if (help) {
    print_subcommand_help(std::cout, it->second);
    return exit_code::ok;
  }
  auto socket = locate_socket(sources);
  if (!socket) {
    std::cerr << "blazectl: " << socket.error().message << "\n";
    return exit_code::usage;
  }
  ctx.socket_path = *socket;
  rest.erase(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(words));
  return it->second.run(ctx, split_inline_values(rest));
}
