// End-to-end: the real blazed refuses to start (no READY, non-zero exit, the file named) when a
// key file is readable by group or others (a missing active key: test_lifecycle); with a
// right key directory it starts, and `blazectl sellers connect` / `keys status` and the
// credential gauges work against it.
#include "harness/daemon_env.hpp"
#include "harness/daemon_process.hpp"
#include "harness/run_process.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <csignal>

using namespace blazed::testing;
using namespace std::chrono_literals;

TEST_CASE("blazed refuses to start with a key file readable by group or others", "[e2e]") {
  const auto mode = static_cast<mode_t>(GENERATE(0440, 0404, 0600 | 0040));
  INFO("key file mode " << std::oct << mode);
  DaemonEnv env;
  const auto config = env.write_config();
  const auto key = env.dir() / "keys" / "k1";
  REQUIRE(::chmod(key.c_str(), mode) == 0);
  DaemonProcess daemon(kBlazedBinary, {"--config", config.string()}, env.dir().path());
  auto code = daemon.wait_exit(30s);
  REQUIRE(code.has_value());
  CHECK(*code != 0);
  CHECK_FALSE(daemon.wait_for_notify("READY=1", 0ms));
  CHECK_THAT(daemon.output(), Catch::Contains("keyring_insecure_file"));
  CHECK_THAT(daemon.output(), Catch::Contains(key.string()));
}

TEST_CASE("with a right key directory blazed starts and answers the key and seller commands", "[e2e]") {
  DaemonEnv env;
  const auto config = env.write_config();
  DaemonProcess daemon(kBlazedBinary, {"--config", config.string()}, env.dir().path());
  REQUIRE(daemon.wait_for_notify("READY=1"));
  const std::string token = "Atzr|IwEBIe2e-canary-refresh-token";
  auto connect = run_process({kBlazectlBinary, "--socket", env.socket_path(), "sellers", "connect",
                              "--region", "na", "--marketplace", "ATVPDKIKX0DER"},
                             {{"BLAZED_SOCKET", ""}}, token + "\n");
  INFO(connect.err);
  CHECK(connect.exit_code == 0);
  CHECK(connect.out == "seller 1 connected (token sealed under key k1)\n");
  auto status = run_process({kBlazectlBinary, "--socket", env.socket_path(), "--json", "keys", "status"},
                            {{"BLAZED_SOCKET", ""}});
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains(R"("active_key":"k1")"));
  CHECK_THAT(status.out, Catch::Contains(R"("rows":{"seller_tokens":1,"raw_payloads":0})"));
  auto metrics = http_get(env.health_port(), "/metrics");
  CHECK(metrics.status == 200);
  CHECK_THAT(metrics.body, Catch::Contains("blazed_key_over_policy{key_id=\"k1\"} 0\n"));
  CHECK_THAT(metrics.body, Catch::Contains("blazed_key_age_seconds{key_id=\"k1\"} "));
  const auto stored = env.db().exec("SELECT encode(ciphertext, 'escape') FROM seller_tokens");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0][0]->find("canary") == std::string::npos);
  CHECK(daemon.output().find("canary") == std::string::npos);
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_exit(30s) == 0);
}
