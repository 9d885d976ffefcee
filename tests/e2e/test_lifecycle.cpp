// End-to-end: the real blazed under a fake systemd (NOTIFY_SOCKET): READY, reload with a broken
// and then a good config, SIGTERM within the deadline, --check-config exit codes.
#include "harness/daemon_process.hpp"
#include "harness/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>

using namespace blazed::testing;
using namespace std::chrono_literals;

namespace {
const std::string kBlazed = BLAZED_BINARY_DIR "/daemon/blazed";

void write_file(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }
}  // namespace

TEST_CASE("blazed reports READY, survives a broken reload, applies a good one, stops on SIGTERM",
          "[e2e]") {
  TempDir dir;
  auto config = dir / "blazed.yaml";
  auto base = "control:\n  socket: " + (dir / "ctl.sock").string() + "\nhealth:\n  port: 0\n";
  write_file(config, base + "log:\n  level: info\nshutdown:\n  deadline: 5s\n");
  DaemonProcess daemon(kBlazed, {"--config", config.string()}, dir.path());
  REQUIRE(daemon.wait_for_notify("READY=1"));

  write_file(config, "log:\n  level: [broken\n");
  daemon.forget_notifications();
  daemon.signal(SIGHUP);
  REQUIRE(daemon.wait_for_notify("reload refused"));
  CHECK(daemon.running());
  CHECK_THAT(daemon.output(), Catch::Contains("reload refused"));

  write_file(config, base + "log:\n  level: debug\nredis:\n  url: redis://10.0.0.1:1/0\n");
  daemon.forget_notifications();
  daemon.signal(SIGHUP);
  REQUIRE(daemon.wait_for_notify("RELOADING=1"));
  REQUIRE(daemon.wait_for_notify("configuration reloaded"));
  CHECK_THAT(daemon.output(), Catch::Contains("changed key needs a restart to apply"));

  daemon.signal(SIGTERM);
  REQUIRE(daemon.wait_for_notify("STOPPING=1"));
  CHECK(daemon.wait_exit(10s) == 0);
}

TEST_CASE("--check-config exits 0 for a valid file and 78 naming the line for a bad one", "[e2e]") {
  TempDir dir;
  write_file(dir / "good.yaml", "health:\n  port: 9999\n");
  write_file(dir / "bad.yaml", "health:\n  prot: 9999\n");
  auto good = run_command({kBlazed, "--check-config", (dir / "good.yaml").string()});
  CHECK(good.exit_code == 0);
  auto bad = run_command({kBlazed, "--check-config", (dir / "bad.yaml").string()});
  CHECK(bad.exit_code == 78);
  CHECK_THAT(bad.output, Catch::Contains("bad.yaml:2: unknown key 'health.prot'"));
  auto missing_secret = dir / "secret.yaml";
  write_file(missing_secret, "redis:\n  password: env:BLAZED_UNSET_FOR_TEST\n");
  auto secret = run_command({kBlazed, "--check-config", missing_secret.string()});
  CHECK(secret.exit_code == 78);
  CHECK_THAT(secret.output, Catch::Contains("env:BLAZED_UNSET_FOR_TEST: variable is not set"));
}

TEST_CASE("a bad config at start-up is fatal with exit code 78", "[e2e]") {
  TempDir dir;
  write_file(dir / "bad.yaml", "redis:\n  url: 42x\n");
  DaemonProcess daemon(kBlazed, {"--config", (dir / "bad.yaml").string()}, dir.path());
  CHECK(daemon.wait_exit(10s) == 78);
  CHECK_THAT(daemon.output(), Catch::Contains("bad.yaml:2: key 'redis.url'"));
}
