// Owns blazed's command line: run the daemon, check a config, migrate, and operator commands.
#include "config/loader.hpp"
#include "core/log.hpp"
#include "app/backup_cli.hpp"
#include "app/check_config.hpp"
#include "app/keys_cli.hpp"
#include "app/migrate_cli.hpp"
#include "app/app.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace blazed;

constexpr const char* kUsage = R"(usage:
  blazed [--config FILE]            run the daemon (default config /etc/blazed/blazed.yaml)
  blazed --check-config FILE [--online]
                                    validate FILE and what it points to (secrets, keys, URLs,
                                    queues, schedules) without connecting; --online also
                                    connects to Redis and PostgreSQL and reads the schema
  blazed migrate [--config FILE] [--status]
                                    apply pending schema migrations (--status: list them;
                                    exit 3 when some are pending)
  blazed --version
  blazed keys generate --dir DIR [--id ID]   write a new key file (see blazed keys --help)
  blazed backup decrypt --key-dir DIR [--manifest FILE] OBJECT OUT
                                    decrypt a downloaded backup object into a pg_restore file
                                    (offline: needs only the key directory)
Exit codes: 0 ok, 1 failure, 2 usage, 69 a dependency unavailable at start-up (systemd
retries), 78 something only the operator can fix: config, keys, a port or socket in use, the
schema (systemd does not retry).
)";

constexpr const char* kDefaultConfig = "/etc/blazed/blazed.yaml";

struct Args {
  std::string command = "run";
  std::string config = kDefaultConfig;
  bool status_only = false;
  bool online = false;
};

int run_daemon(const std::string& path) {
  auto loaded = config::load_config_file(path);
  if (!loaded) {
    std::fprintf(stderr, "blazed: %s\n", loaded.error().message.c_str());
    return app::kExitConfig;
  }
  boost::asio::io_context io(1);
  app::Server server(io, path, std::move(*loaded));
  int exit_code = app::kExitFailure;
  boost::asio::co_spawn(io, server.run(), [&](std::exception_ptr e, int code) {
    exit_code = code;
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::Logger("server").critical("unhandled exception", {{"what", ex.what()}});
      }
      exit_code = app::kExitFailure;
    }
    io.stop();
  });
  io.run();
  // The stop steps cancelled every wait; let those cancellations complete (their coroutines end
  // and free their timers) before the parts and the loop are destroyed.
  io.restart();
  io.poll();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "keys")
    return app::run_keys_cli(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!args.empty() && args[0] == "backup")
    return app::run_backup_cli(std::vector<std::string>(args.begin() + 1, args.end()));
  Args parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    if (a == "--config" || a == "-c") {
      auto v = value();
      if (v == nullptr) return std::fputs(kUsage, stderr), app::kExitUsage;
      parsed.config = *v;
    } else if (a == "--check-config") {
      auto v = value();
      if (v == nullptr) return std::fputs(kUsage, stderr), app::kExitUsage;
      parsed.command = "check-config";
      parsed.config = *v;
    } else if (a == "migrate" && i == 0) {
      parsed.command = "migrate";
    } else if (a == "--online" && parsed.command == "check-config") {
      parsed.online = true;
    } else if (a == "--status" && parsed.command == "migrate") {
      parsed.status_only = true;
    } else if (a == "--version") {
      std::printf("blazed %s\n", BLAZED_VERSION);
      return app::kExitOk;
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return app::kExitOk;
    } else {
      std::fprintf(stderr, "blazed: unknown argument '%s'\n%s", a.c_str(), kUsage);
      return app::kExitUsage;
    }
  }
  if (parsed.command == "check-config") return app::run_check_config(parsed.config, parsed.online);
  if (parsed.command == "migrate") {
    auto loaded = config::load_config_file(parsed.config);
    if (!loaded) {
      std::fprintf(stderr, "blazed: %s\n", loaded.error().message.c_str());
      return app::kExitConfig;
    }
    return app::run_migrate(*loaded, parsed.status_only);
  }
  return run_daemon(parsed.config);
}
