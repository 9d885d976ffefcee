// End-to-end: the real blazed refuses to start (no READY, non-zero exit, the file named) when a
// key file is readable by group or others or the configured active key has no file, and
// starts once the key directory is right.
#include "crypto/key_file.hpp"
#include "harness/daemon_env.hpp"
#include "harness/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace blazed::testing;
using namespace std::chrono_literals;

TEST_CASE("blazed refuses to start with a group-readable key or a missing active key", "[e2e]") {
  DaemonEnv env;
  const auto config = env.write_config();
  const auto key = env.dir() / "keys" / "k1";

  SECTION("a key file readable by group") {
    REQUIRE(::chmod(key.c_str(), 0440) == 0);
    DaemonProcess daemon(kBlazedBinary, {"--config", config.string()}, env.dir().path());
    auto code = daemon.wait_exit(30s);
    REQUIRE(code.has_value());
    CHECK(*code != 0);
    CHECK_FALSE(daemon.wait_for_notify("READY=1", 0ms));
    CHECK_THAT(daemon.output(), Catch::Contains("keyring_insecure_file"));
    CHECK_THAT(daemon.output(), Catch::Contains(key.string()));
  }
  SECTION("a key file readable by others") {
    REQUIRE(::chmod(key.c_str(), 0404) == 0);
    DaemonProcess daemon(kBlazedBinary, {"--config", config.string()}, env.dir().path());
    auto code = daemon.wait_exit(30s);
    REQUIRE(code.has_value());
    CHECK(*code != 0);
    CHECK_THAT(daemon.output(), Catch::Contains("keyring_insecure_file"));
  }
  SECTION("the active key has no file") {
    std::filesystem::remove(key);
    REQUIRE(blazed::crypto::generate_key_file(env.dir() / "keys", "k0"));
    DaemonProcess daemon(kBlazedBinary, {"--config", config.string()}, env.dir().path());
    auto code = daemon.wait_exit(30s);
    REQUIRE(code.has_value());
    CHECK(*code != 0);
    CHECK_THAT(daemon.output(), Catch::Contains("keyring_missing_active"));
  }
  SECTION("a key directory that is right: the daemon starts") {
    DaemonProcess daemon(kBlazedBinary, {"--config", config.string()}, env.dir().path());
    REQUIRE(daemon.wait_for_notify("READY=1"));
    daemon.signal(SIGTERM);
    CHECK(daemon.wait_exit(30s) == 0);
  }
}
