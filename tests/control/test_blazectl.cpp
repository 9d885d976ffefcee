// Tests blazectl as operators and scripts run it: the real binary against a real control
// server, human and --json output, exit codes, socket lookup, and the client-side helpers
// (socket locator, secret input, rendering).
#include "control/args.hpp"
#include "control_fixture.hpp"
#include "ctl/render.hpp"
#include "ctl/secret_input.hpp"
#include "ctl/socket_locator.hpp"
#include "harness/catch_result.hpp"
#include "harness/run_process.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

using namespace blazed;
using blazed::testing::ControlFixture;
using blazed::testing::run_process;
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

struct Daemon : ControlFixture {
  ManualClock clock;
  std::atomic<bool> pg_ok{true};

  Daemon() {
    control::StatusSources src;
    src.version = "1.2.3";
    src.instance_id = "test-host:42";
    src.clock = &clock;
    src.started_at = clock.now();
    src.components = [this] {
      return std::vector<control::ComponentState>{
          {"redis", true, "connected"},
          {"redis_settings", true, "noeviction, aof on"},
          {"postgres", pg_ok.load(), pg_ok ? "connected" : "refused"}};
    };
    REQUIRE(control::register_builtin_commands(commands, src));
    REQUIRE(commands.register_command(
        "echo", control::Effect::read_only, [](const control::Request& r) -> asio::awaitable<Result<json::value>> {
          co_return json::value(r.args);
        }, "returns its args"));
    REQUIRE(commands.register_command(
        "fail", control::Effect::read_only, [](const control::Request& r) -> asio::awaitable<Result<json::value>> {
          auto n = control::args::get_int(r, "n");
          if (!n) co_return n.error();
          co_return make_error("not_found", "no such thing: " + std::to_string(*n));
        }));
    clock.advance(std::chrono::seconds(90061));
    REQUIRE(start());
  }

  ~Daemon() { stop(); }  // before clock and pg_ok go away

  testing::ProcessResult ctl(std::vector<std::string> args,
                             std::map<std::string, std::string> env = {{"BLAZED_SOCKET", ""}}) {
    args.insert(args.begin(), BLAZECTL_PATH);
    return run_process(args, env);
  }
};

}  // namespace

TEST_CASE("blazectl status prints a human summary, or JSON with --json", "[unit]") {
  Daemon d;
  auto r = d.ctl({"--socket", d.cfg.socket, "status"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "blazed 1.2.3 (instance test-host:42)\n"
        "up 1d 1h 1m 1s since 2023-11-14T22:13:20Z\n"
        "redis           ok  connected\n"
        "redis_settings  ok  noeviction, aof on\n"
        "postgres        ok  connected\n");

  r = d.ctl({"status", "--json", "--socket=" + d.cfg.socket});
  CHECK(r.exit_code == 0);
  auto v = json::parse(r.out);
  CHECK(v.at("version") == "1.2.3");
  CHECK(v.at("uptime_seconds") == 90061);
  CHECK(v.at("components").at("postgres").at("ok") == true);
}

TEST_CASE("blazectl health exits 0 when healthy and 4 when not", "[unit]") {
  Daemon d;
  auto r = d.ctl({"--socket", d.cfg.socket, "health"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("healthy\n"));

  d.pg_ok = false;
  r = d.ctl({"--socket", d.cfg.socket, "health"});
  CHECK(r.exit_code == 4);
  CHECK(r.out ==
        "unhealthy\n"
        "  redis           ok    connected\n"
        "  redis_settings  ok    noeviction, aof on\n"
        "  postgres        FAIL  refused\n");

  r = d.ctl({"--socket", d.cfg.socket, "--json", "health"});
  CHECK(r.exit_code == 4);
  CHECK(json::parse(r.out).at("healthy") == false);
}

TEST_CASE("blazectl call runs any registered command", "[unit]") {
  Daemon d;
  auto r = d.ctl({"--socket", d.cfg.socket, "--json", "call", "echo", "--arg", "seller=17", "--arg",
                  "note=a=b", "--args", R"({"deep":{"x":[1,2]}})"});
  CHECK(r.exit_code == 0);
  CHECK(json::parse(r.out) == json::parse(R"({"seller":"17","note":"a=b","deep":{"x":[1,2]}})"));

  r = d.ctl({"--socket", d.cfg.socket, "call", "echo", "--arg", "seller=17", "--args",
             R"({"deep":{"x":[1,2]}})"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "seller: 17\ndeep:\n  x:\n    - 1\n    - 2\n");

  r = d.ctl({"--socket", d.cfg.socket, "call", "commands"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("name: echo\n    summary: returns its args\n") != std::string::npos);
}

TEST_CASE("blazectl reports command errors with exit 1", "[unit]") {
  Daemon d;
  auto r = d.ctl({"--socket", d.cfg.socket, "call", "fail", "--arg", "n=5"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "blazectl: not_found: no such thing: 5\n");

  r = d.ctl({"--socket", d.cfg.socket, "--json", "call", "fail", "--arg", "n=x"});
  CHECK(r.exit_code == 1);
  CHECK(json::parse(r.out).at("code") == "bad_args");

  r = d.ctl({"--socket", d.cfg.socket, "call", "no_such_command"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("unknown_command") != std::string::npos);
}

TEST_CASE("blazectl usage errors exit 2", "[unit]") {
  Daemon d;
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {},
           {"--socket", d.cfg.socket, "frobnicate"},
           {"--socket", d.cfg.socket, "call"},
           {"--socket", d.cfg.socket, "call", "echo", "--arg", "novalue"},
           {"--socket", d.cfg.socket, "call", "echo", "--args", "[1]"},
           {"--socket", d.cfg.socket, "status", "extra"},
           {"--socket"},
           {"--timeout", "soon", "status"},
       }) {
    auto r = d.ctl(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
  }
  CHECK(d.ctl({"--help"}).exit_code == 0);
}

TEST_CASE("blazectl exits 3 when the daemon cannot be reached or refuses", "[unit]") {
  Daemon d;
  auto r = d.ctl({"--socket", (d.dir / "nothing.sock").string(), "health"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("cannot reach the daemon") != std::string::npos);

  ControlFixture strict;
  REQUIRE(strict.start(control::PeerPolicy({}, {}, {})));
  r = d.ctl({"--socket", strict.cfg.socket, "status"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("forbidden") != std::string::npos);
  CHECK(r.err.find("group blazed") != std::string::npos);  // and what to do about it
}

TEST_CASE("blazectl finds the socket by flag, then environment, then config", "[unit]") {
  Daemon d;
  std::ofstream(d.dir / "blazed.yaml") << "control:\n  socket: " << d.cfg.socket << "\n";
  auto cfg = (d.dir / "blazed.yaml").string();
  auto nowhere = (d.dir / "nowhere.sock").string();

  CHECK(d.ctl({"status"}, {{"BLAZED_SOCKET", d.cfg.socket}}).exit_code == 0);
  CHECK(d.ctl({"--config", cfg, "status"}, {{"BLAZED_SOCKET", ""}}).exit_code == 0);
  // The flag beats the environment, which beats the config.
  CHECK(d.ctl({"--socket", nowhere, "status"}, {{"BLAZED_SOCKET", d.cfg.socket}}).exit_code == 3);
  CHECK(d.ctl({"--config", cfg, "status"}, {{"BLAZED_SOCKET", nowhere}}).exit_code == 3);
  CHECK(d.ctl({"--config", (d.dir / "missing.yaml").string(), "status"}).exit_code == 2);
}

TEST_CASE("the socket locator's order and default", "[unit]") {
  testing::TempDir dir;
  std::ofstream(dir / "c.yaml") << "control:\n  socket: /from/config.sock\n";
  std::ofstream(dir / "empty.yaml") << "redis:\n  url: redis://x\n";
  std::ofstream(dir / "bad.yaml") << "control: [unclosed\n";
  using S = ctl::SocketSources;
  auto c = (dir / "c.yaml").string();
  CHECK(ctl::locate_socket(S{"/flag.sock", "/env.sock", c}).value() == "/flag.sock");
  CHECK(ctl::locate_socket(S{std::nullopt, "/env.sock", c}).value() == "/env.sock");
  CHECK(ctl::locate_socket(S{std::nullopt, "", c}).value() == "/from/config.sock");
  CHECK(ctl::locate_socket(S{std::nullopt, std::nullopt, (dir / "empty.yaml").string()}).value() ==
        ctl::default_socket_path);
  CHECK(ctl::locate_socket(S{}).value() == ctl::default_socket_path);
  auto bad = ctl::locate_socket(S{std::nullopt, std::nullopt, (dir / "bad.yaml").string()});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == "bad_config");
}

TEST_CASE("secrets are read from a file or a pipe, trailing newline stripped", "[unit]") {
  testing::TempDir dir;
  std::ofstream(dir / "token") << "Atzr|refresh-token-value\n";
  auto s = ctl::read_secret((dir / "token").string(), "token: ");
  REQUIRE(s);
  CHECK(s->reveal() == "Atzr|refresh-token-value");

  int p[2];
  REQUIRE(pipe(p) == 0);
  std::string data = "s3cr3t-from-stdin\r\n";
  REQUIRE(write(p[1], data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  close(p[1]);
  auto piped = ctl::read_secret_fd(p[0], "secret: ");
  close(p[0]);
  REQUIRE(piped);
  CHECK(piped->reveal() == "s3cr3t-from-stdin");

  std::ofstream(dir / "empty") << "\n";
  CHECK(ctl::read_secret((dir / "empty").string(), "").error().code == "empty_secret");
  CHECK(ctl::read_secret((dir / "missing").string(), "").error().code == "io");
}

TEST_CASE("the generic renderer", "[unit]") {
  CHECK(ctl::render_human(json::parse("{}")) == "ok\n");
  CHECK(ctl::render_human(json::parse(R"({"a":null,"b":true,"c":"x","d":[]})")) ==
        "a: -\nb: true\nc: x\nd:\n");
  CHECK(ctl::render_human(json::parse(R"([{"k":1},"s"])")) == "-\n  k: 1\n- s\n");
  CHECK(ctl::render_human(json::parse("42")) == "42\n");
}

TEST_CASE("check lines keep their columns apart whatever the names' lengths", "[unit]") {
  std::ostringstream out;
  ctl::print_checks(out, {{"redis", true, "connected"},
                          {"a_much_longer_check_name", false, "refused"},
                          {"keyring", true, ""}});
  CHECK(out.str() ==
        "redis                     ok    connected\n"
        "a_much_longer_check_name  FAIL  refused\n"
        "keyring                   ok\n");
  std::ostringstream indented;
  ctl::print_checks(indented, {{"redis_settings", true, "noeviction"}}, "  ");
  CHECK(indented.str() == "  redis_settings  ok  noeviction\n");
}

TEST_CASE("blazectl exits 3 when the daemon does not answer within --timeout", "[unit]") {
  Daemon d;
  std::optional<asio::steady_timer> never(std::in_place, d.io, asio::steady_timer::time_point::max());
  REQUIRE(d.commands.register_command(
      "hang", control::Effect::mutating, [&](const control::Request&) -> asio::awaitable<Result<json::value>> {
        co_await never->async_wait(asio::as_tuple(asio::use_awaitable));
        co_return json::value("late");
      }));
  auto r = d.ctl({"--socket", d.cfg.socket, "--timeout", "0.2", "call", "hang"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("did not answer in time") != std::string::npos);
  d.stop(std::chrono::milliseconds(0));  // cancels the hanging command
}

TEST_CASE("blazectl --help per subcommand, and the verbs of a group when one is missing", "[unit]") {
  Daemon d;
  auto r = d.ctl({"jobs", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("usage: blazectl [options] jobs list"));
  CHECK(r.out.find("subcommands:") == std::string::npos);  // not the top-level help

  r = d.ctl({"sellers", "delete", "-h"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("usage: blazectl [options] sellers delete SELLER_ID [--yes]"));

  r = d.ctl({"keys", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("keys status") != std::string::npos);
  CHECK(r.out.find("keys rotate") != std::string::npos);

  r = d.ctl({"keys"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.starts_with("blazectl: keys needs a verb; one of:\n"));
  CHECK(r.err.find("keys status") != std::string::npos);
  r = d.ctl({"keys", "frob"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("keys has no verb \"frob\"") != std::string::npos);
}

TEST_CASE("blazectl takes --opt=value for every option, global or not", "[unit]") {
  Daemon d;
  auto r = d.ctl({"--socket=" + d.cfg.socket, "--output=json", "call", "echo", "--arg=seller=17",
                  R"(--args={"n":1})", "--timeout=5"});
  CHECK(r.exit_code == 0);
  CHECK(json::parse(r.out) == json::parse(R"({"seller":"17","n":1})"));
  CHECK(d.ctl({"-o", "yaml", "status"}).exit_code == 2);
}

TEST_CASE("blazectl errors say what to do about them", "[unit]") {
  Daemon d;
  auto r = d.ctl({"--socket", (d.dir / "nothing.sock").string(), "status"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("cannot reach the daemon at " + (d.dir / "nothing.sock").string()) != std::string::npos);
  CHECK(r.err.find("is it running (systemctl status blazed)?") != std::string::npos);
}

namespace {

// A daemon whose destructive commands and job list record what they were asked.
struct RecordingDaemon : Daemon {
  std::vector<std::string> calls;
  RecordingDaemon() {
    auto record = [this](std::string name) {
      return [this, name](const control::Request& r) -> asio::awaitable<Result<json::value>> {
        calls.push_back(name);
        co_return json::value(r.args);
      };
    };
    REQUIRE(commands.register_command("sellers.delete", control::Effect::mutating, record("sellers.delete")));
    REQUIRE(commands.register_command("sellers.disconnect", control::Effect::mutating, record("sellers.disconnect")));
    REQUIRE(commands.register_command("jobs.delete", control::Effect::mutating, record("jobs.delete")));
    REQUIRE(commands.register_command(
        "jobs.list", control::Effect::read_only, [](const control::Request&) -> asio::awaitable<Result<json::value>> {
          co_return json::parse(R"({"jobs":[{"id":5,"type":"t","attempts":1}],"total":1,"state":"dead",)"
                                R"("queue":"default","offset":0})");
        }));
  }
};

}  // namespace

TEST_CASE("blazectl asks before destroying: without a terminal only --yes does it", "[unit]") {
  RecordingDaemon d;
  const std::string socket = "--socket=" + d.cfg.socket;
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"sellers", "delete", "7"}, {"sellers", "disconnect", "7"}, {"jobs", "delete", "5"}}) {
    args.insert(args.begin(), socket);
    auto refused = d.ctl(args);
    INFO(refused.err);
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("add --yes") != std::string::npos);
    args.push_back("--yes");
    CHECK(d.ctl(args).exit_code == 0);
  }
  CHECK(d.calls == std::vector<std::string>{"sellers.delete", "sellers.disconnect", "jobs.delete"});
}

TEST_CASE("blazectl tables: -o json for scripts, --no-headers for grep", "[unit]") {
  RecordingDaemon d;
  auto table = d.ctl({"--socket", d.cfg.socket, "jobs", "list"});
  CHECK(table.exit_code == 0);
  CHECK(table.out.starts_with("ID  TYPE"));
  auto bare = d.ctl({"--socket", d.cfg.socket, "--no-headers", "jobs", "list"});
  CHECK(bare.out.starts_with("5   t"));
  auto raw = d.ctl({"--socket", d.cfg.socket, "-o", "json", "jobs", "list"});
  CHECK(json::parse(raw.out).at("total") == 1);
}
