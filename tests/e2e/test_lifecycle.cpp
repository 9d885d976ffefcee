// End-to-end: the real blazed under a fake systemd (NOTIFY_SOCKET) with real Redis and
// PostgreSQL: READY, blazectl and /readyz, Redis killed and restarted, reload with a broken and
// then a good config, SIGTERM within the deadline; --check-config and start-up exit codes.
#include "harness/daemon_env.hpp"
#include "harness/daemon_process.hpp"
#include "harness/eventually.hpp"
#include "harness/run_process.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>

using namespace blazed::testing;
using namespace std::chrono_literals;

namespace {

void write_file(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

// Asks /readyz until it answers `status`.
bool readyz_becomes(std::uint16_t port, int status, std::chrono::seconds guard = 30s) {
  return eventually([&] { return http_get(port, "/readyz").status == status; }, guard);
}

CommandResult blazectl(const DaemonEnv& env, std::vector<std::string> args) {
  std::vector<std::string> argv{kBlazectlBinary, "--socket", env.socket_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

}  // namespace

TEST_CASE("blazed serves blazectl and /readyz, survives Redis restarting and a broken reload",
          "[e2e]") {
  DaemonEnv env;
  auto config = env.write_config("shutdown:\n  deadline: 5s\n");
  DaemonProcess daemon(kBlazedBinary, {"--config", config.string()}, env.dir().path());
  REQUIRE(daemon.wait_for_notify("READY=1"));
  INFO(daemon.output());

  auto status = blazectl(env, {"status", "--json"});
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.output, Catch::Contains("\"instance_id\":\"e2e\""));
  CHECK(blazectl(env, {"health"}).exit_code == 0);
  REQUIRE(readyz_becomes(env.health_port(), 200));
  CHECK(http_get(env.health_port(), "/healthz").status == 200);
  CHECK_THAT(http_get(env.health_port(), "/metrics").body,
             Catch::Contains("process_resident_memory_bytes"));
  // The queue operator surface is wired in (queue-ops).
  auto queues = blazectl(env, {"queues", "--json"});
  CHECK(queues.exit_code == 0);
  CHECK_THAT(queues.output, Catch::Contains("\"name\":\"default\""));
  CHECK(blazectl(env, {"jobs", "list", "--state", "dead"}).exit_code == 0);
  CHECK(blazectl(env, {"schedules"}).exit_code == 0);

  SECTION("Redis killed: not ready, no crash; Redis back: ready again") {
    CHECK_THAT(http_get(env.health_port(), "/metrics").body, Catch::Contains("\nblazed_redis_up 1\n"));
    env.redis().stop();
    REQUIRE(readyz_becomes(env.health_port(), 503));
    CHECK(blazectl(env, {"health"}).exit_code == 4);
    // The gauge reads the same connection state as /readyz.
    CHECK_THAT(http_get(env.health_port(), "/metrics").body, Catch::Contains("\nblazed_redis_up 0\n"));
    CHECK_THAT(http_get(env.health_port(), "/metrics").body, Catch::Contains("\nblazed_postgres_up 1\n"));
    CHECK(daemon.running());
    env.redis().start();
    REQUIRE(readyz_becomes(env.health_port(), 200));
    CHECK(blazectl(env, {"health"}).exit_code == 0);
    CHECK_THAT(http_get(env.health_port(), "/metrics").body, Catch::Contains("\nblazed_redis_up 1\n"));
  }

  SECTION("Redis with an evicting maxmemory-policy: readiness reports it after a reconnect") {
    const std::string port = std::to_string(env.redis().port());
    auto redis_cli = [&](std::vector<std::string> args) {
      // run_process execs a path: env finds redis-cli on PATH.
      std::vector<std::string> argv{"/usr/bin/env", "redis-cli", "-h", "127.0.0.1", "-p", port};
      argv.insert(argv.end(), args.begin(), args.end());
      return run_process(argv).out;
    };
    CHECK_THAT(http_get(env.health_port(), "/readyz").body, Catch::Contains("noeviction"));
    CHECK(redis_cli({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}) == "OK\n");
    const std::string killed = redis_cli({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
    INFO("clients killed: " << killed);
    // Not ready at once (disconnected), then still not ready once reconnected: the settings.
    REQUIRE(eventually([&] {
      auto r = http_get(env.health_port(), "/readyz");
      return r.status == 503 && r.body.find("redis: ok") != std::string::npos &&
             r.body.find("allkeys-lru") != std::string::npos;
    }, 30s));
    CHECK(daemon.running());
  }

  SECTION("a broken reload keeps the running config; a good one applies") {
    write_file(config, "log:\n  level: [broken\n");
    daemon.forget_notifications();
    daemon.signal(SIGHUP);
    REQUIRE(daemon.wait_for_notify("reload refused"));
    CHECK(daemon.running());
    auto refused = blazectl(env, {"status"});
    CHECK(refused.exit_code == 0);
    CHECK_THAT(refused.output, Catch::Contains("refused (invalid configuration)"));

    env.write_config("shutdown:\n  deadline: 5s\nlog:\n  level: debug\nqueue:\n  concurrency: 8\n");
    daemon.forget_notifications();
    daemon.signal(SIGHUP);
    REQUIRE(daemon.wait_for_notify("RELOADING=1"));
    if (!daemon.wait_for_notify("configuration reloaded")) FAIL(daemon.output());
    CHECK_THAT(daemon.output(), Catch::Contains("changed key needs a restart to apply"));
    CHECK_THAT(blazectl(env, {"status", "--json"}).output, Catch::Contains("\"outcome\":\"applied\""));
  }

  SECTION("a reload swaps the schedules; one that does not compile keeps the running ones") {
    const std::string schedule =
        "schedules:\n  - name: nightly-rotation\n    cron: \"30 3 * * *\"\n    zone: %ZONE%\n"
        "    job: key_rotation\n";
    auto with_zone = [&](const std::string& zone) {
      std::string text = schedule;
      text.replace(text.find("%ZONE%"), 6, zone);
      return "shutdown:\n  deadline: 5s\n" + text;
    };
    env.write_config(with_zone("Europe/Berlin"));
    daemon.forget_notifications();
    daemon.signal(SIGHUP);
    REQUIRE(daemon.wait_for_notify("configuration reloaded"));
    auto listed = blazectl(env, {"schedules", "--json"});
    CHECK_THAT(listed.output, Catch::Contains("\"name\":\"nightly-rotation\""));
    CHECK_THAT(listed.output, Catch::Contains("\"zone\":\"Europe/Berlin\""));

    env.write_config(with_zone("Mars/Olympus_Mons"));
    daemon.forget_notifications();
    daemon.signal(SIGHUP);
    // The rest applies; STATUS= and `blazectl status` say the schedules kept their running value.
    REQUIRE(daemon.wait_for_notify("last reload partly refused: schedules reload refused"));
    CHECK_THAT(daemon.output(), Catch::Contains("schedules reload refused"));
    CHECK_THAT(blazectl(env, {"status"}).output, Catch::Contains("partly refused (schedules reload refused"));
    CHECK_THAT(blazectl(env, {"schedules", "--json"}).output,
               Catch::Contains("\"zone\":\"Europe/Berlin\""));
  }

  daemon.signal(SIGTERM);
  if (!daemon.wait_for_notify("STOPPING=1")) FAIL(daemon.output());
  CHECK(daemon.wait_exit(15s) == 0);
  CHECK_FALSE(std::filesystem::exists(env.socket_path()));
}

TEST_CASE("--check-config exits 0 for a valid file and 78 naming the line for a bad one", "[e2e]") {
  TempDir dir;
  DaemonEnv env;
  write_file(dir / "bad.yaml", "health:\n  prot: 9999\n");
  auto good = run_command({kBlazedBinary, "--check-config", env.write_config().string()});
  CHECK(good.exit_code == 0);
  auto bad = run_command({kBlazedBinary, "--check-config", (dir / "bad.yaml").string()});
  CHECK(bad.exit_code == 78);
  CHECK_THAT(bad.output, Catch::Contains("bad.yaml:2: unknown key 'health.prot'"));
  auto missing_secret = dir / "secret.yaml";
  write_file(missing_secret, "redis:\n  password: env:BLAZED_UNSET_FOR_TEST\n");
  auto secret = run_command({kBlazedBinary, "--check-config", missing_secret.string()});
  CHECK(secret.exit_code == 78);
  CHECK_THAT(secret.output, Catch::Contains("env:BLAZED_UNSET_FOR_TEST: variable is not set"));
}

TEST_CASE("start-up refuses a bad config (78) and a missing active key", "[e2e]") {
  TempDir dir;
  write_file(dir / "bad.yaml", "redis:\n  url: 42x\n");
  DaemonProcess bad(kBlazedBinary, {"--config", (dir / "bad.yaml").string()}, dir.path());
  CHECK(bad.wait_exit(10s) == 78);
  CHECK_THAT(bad.output(), Catch::Contains("bad.yaml:2: key 'redis.url'"));

  DaemonEnv env;
  auto config = env.write_config();
  std::string text;
  {
    std::ifstream in(config);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("active_key: k1"), 14, "active_key: k9");
  write_file(config, text);
  DaemonProcess no_key(kBlazedBinary, {"--config", config.string()}, env.dir().path());
  INFO(no_key.output());
  CHECK(no_key.wait_exit(10s) == 78);
  CHECK_THAT(no_key.output(), Catch::Contains("k9"));
}

TEST_CASE("blazed migrate applies pending migrations once; --status reports them", "[e2e]") {
  DaemonEnv env;
  auto config = env.write_config().string();
  auto before = run_command({kBlazedBinary, "migrate", "--config", config, "--status"});
  CHECK(before.exit_code == 3);
  CHECK_THAT(before.output, Catch::Contains("applied version: 0"));
  auto applied = run_command({kBlazedBinary, "migrate", "--config", config});
  CHECK(applied.exit_code == 0);
  CHECK_THAT(applied.output, Catch::Contains("applied: 1, 10, 11"));
  auto again = run_command({kBlazedBinary, "migrate", "--config", config});
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.output, Catch::Contains("applied: none"));
  auto after = run_command({kBlazedBinary, "migrate", "--config", config, "--status"});
  CHECK(after.exit_code == 0);
  CHECK_THAT(after.output, Catch::Contains("pending: none"));
}

TEST_CASE("start-up logs each event once, and a clean stop logs no warning", "[e2e]") {
  DaemonEnv env;
  auto config = env.write_config("shutdown:\n  deadline: 5s\n");
  DaemonProcess daemon(kBlazedBinary, {"--config", config.string()}, env.dir().path());
  REQUIRE(daemon.wait_for_notify("READY=1"));
  // Redis connects in the background: wait for readiness, so its line is in the start-up log.
  REQUIRE(readyz_becomes(env.health_port(), 200));
  daemon.signal(SIGTERM);
  if (daemon.wait_exit(15s) != 0) FAIL(daemon.output());
  const std::string output = daemon.output();
  INFO(output);

  // Each line less its time stamp: the same event logged twice gives the same rest.
  std::map<std::string, int> seen;
  std::map<std::string, int> by_message;
  std::istringstream lines(output);
  bool stopping = false;
  for (std::string line; std::getline(lines, line);) {
    auto msg = line.find("\"msg\":\"");
    if (msg == std::string::npos) continue;
    ++seen[line.substr(line.find(',') + 1)];
    auto start = msg + 7;
    const auto message = line.substr(start, line.find('"', start) - start);
    ++by_message[message];
    stopping = stopping || message == "stopping";
    // What goes away during a stop is expected: no warning, no error, no "connection lost".
    if (stopping)
      CHECK_THAT(line, !Catch::Contains("\"level\":\"warn\"") && !Catch::Contains("\"level\":\"error\"") &&
                           !Catch::Contains("connection lost"));
  }
  for (const auto& [rest, count] : seen) {
    INFO(rest);
    CHECK(count == 1);
  }
  for (const char* event : {"Redis connected", "health HTTP listening", "control socket listening",
                            "ready", "stopped"}) {
    INFO(event);
    CHECK(by_message[event] == 1);
  }
}
