// End-to-end: a SIGHUP re-reads the keyring of the running blazed. A reload that would drop a
// key rows are still sealed under, or that names a missing active key, is refused and the
// running keys stay; a good one swaps the keys without a restart, is audited, enqueues the
// rotation (which then moves every row to the new key), and new tokens are sealed under it.
#include "harness/daemon_env.hpp"
#include "harness/daemon_process.hpp"
#include "harness/eventually.hpp"
#include "harness/run_process.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sstream>

using namespace blazed::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void set_active_key(const fs::path& config, const std::string& id) {
  std::string text = read_text(config);
  const auto at = text.find("active_key: ");
  REQUIRE(at != std::string::npos);
  const auto end = text.find('\n', at);
  text.replace(at, end - at, "active_key: " + id);
  std::ofstream(config) << text;
}

struct Blazectl {
  std::string socket;
  ProcessResult run(std::vector<std::string> args, const std::string& input = {}) const {
    args.insert(args.begin(), {kBlazectlBinary, "--socket", socket});
    return run_process(args, {{"BLAZED_SOCKET", ""}}, input);
  }
};

// SIGHUP, then the reload's RELOADING=1 ... READY=1.
void reload(DaemonProcess& daemon) {
  daemon.forget_notifications();
  daemon.signal(SIGHUP);
  REQUIRE(daemon.wait_for_notify("RELOADING=1"));
  REQUIRE(daemon.wait_for_notify("READY=1"));
}

}  // namespace

TEST_CASE("a reload swaps the keyring without a restart, and refuses sets that lose data", "[e2e]") {
  DaemonEnv env;
  const auto config = env.write_config();
  const fs::path keys = env.dir() / "keys";
  DaemonProcess daemon(kBlazedBinary, {"--config", config.string()}, env.dir().path());
  REQUIRE(daemon.wait_for_notify("READY=1"));
  const Blazectl ctl{env.socket_path()};
  const auto under_key = [&](const std::string& id) {
    return env.db().exec("SELECT count(*) FROM seller_tokens WHERE key_id = '" + id + "'")[0][0].value();
  };

  auto first = ctl.run({"sellers", "connect", "--region", "na", "--marketplace", "ATVPDKIKX0DER"},
                       "Atzr|reload-canary-one\n");
  REQUIRE(first.exit_code == 0);
  REQUIRE(under_key("k1") == "1");

  auto generated = run_process({kBlazedBinary, "keys", "generate", "--dir", keys.string(), "--id", "k2"});
  REQUIRE(generated.exit_code == 0);

  SECTION("a set without a key that rows are still under is refused; the running keys stay") {
    fs::rename(keys / "k1", env.dir() / "k1.away");
    set_active_key(config, "k2");
    reload(daemon);
    CHECK_THAT(daemon.output(), Catch::Contains("keyring reload refused: a removed key still has rows"));
    CHECK(daemon.wait_for_notify("keyring reload refused"));  // the unit's status line says so
    auto status = ctl.run({"--json", "keys", "status"});
    CHECK_THAT(status.out, Catch::Contains(R"("active_key":"k1")"));
    // Still sealing under k1, and still opening k1 rows (the old keyring is whole).
    auto second = ctl.run({"sellers", "connect", "--region", "na", "--marketplace", "ATVPDKIKX0DER"},
                          "Atzr|reload-canary-two\n");
    CHECK(second.out == "seller 2 connected (token sealed under key k1)\n");
  }

  SECTION("an active key without a file is refused; the running keys stay") {
    set_active_key(config, "k9");
    reload(daemon);
    CHECK_THAT(daemon.output(), Catch::Contains("keyring reload refused; keeping the running keys"));
    CHECK_THAT(daemon.output(), Catch::Contains("keyring_missing_active"));
    auto status = ctl.run({"--json", "keys", "status"});
    CHECK_THAT(status.out, Catch::Contains(R"("active_key":"k1")"));
  }

  SECTION("a new active key applies, is audited and rotates every row; the old key then retires") {
    set_active_key(config, "k2");
    reload(daemon);
    CHECK_THAT(daemon.output(), Catch::Contains("keyring reloaded"));
    auto audit = env.db().exec(
        "SELECT detail->>'active_key', detail->>'previous_active_key', detail->'added'->>0 "
        "FROM audit_events WHERE action = 'keys.reload'");
    REQUIRE(audit.size() == 1);
    CHECK(audit[0][0].value() == "k2");
    CHECK(audit[0][1].value() == "k1");
    CHECK(audit[0][2].value() == "k2");
    // The reload enqueued the rotation job; this daemon runs it.
    CHECK(eventually([&] { return under_key("k2") == "1"; }));
    CHECK(under_key("k1") == "0");
    auto second = ctl.run({"sellers", "connect", "--region", "na", "--marketplace", "ATVPDKIKX0DER"},
                          "Atzr|reload-canary-two\n");
    CHECK(second.out == "seller 2 connected (token sealed under key k2)\n");

    // k1 is retirable now: removing its file and reloading is accepted.
    fs::remove(keys / "k1");
    reload(daemon);
    auto status = ctl.run({"--json", "keys", "status"});
    CHECK_THAT(status.out, Catch::Contains(R"("active_key":"k2")"));
    CHECK_THAT(status.out, !Catch::Contains(R"("id":"k1")"));
    CHECK(env.db().exec("SELECT count(*) FROM audit_events WHERE action = 'keys.reload'")[0][0].value() == "2");
  }

  CHECK(daemon.output().find("canary") == std::string::npos);
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_exit(30s) == 0);
}
