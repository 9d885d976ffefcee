// Tests the control socket server against real Unix sockets: framing, id echo, malformed
// requests, limits (line size, idle time, clients), peer credentials, socket file handling,
// metrics and the two-stage stop.
#include "control/args.hpp"
#include "control/peer.hpp"
#include "control/socket_file.hpp"
#include "core/redact.hpp"
#include "core/secret.hpp"
#include "control_fixture.hpp"
#include "ctl/client.hpp"
#include "harness/catch_result.hpp"
#include "harness/eventually.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <tuple>

using namespace blazed;
using blazed::testing::ControlFixture;
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

// Generous guard so that a broken server fails the test instead of hanging it.
constexpr std::chrono::seconds guard{20};

ctl::Connection connect(const ControlFixture& f) {
  return ctl::Connection::open(f.cfg.socket, guard).value();
}

json::object reply_of(ctl::Connection& c) {
  auto line = c.read_line();
  REQUIRE(line);
  return json::parse(*line).as_object();
}

std::string error_code_of(const json::object& reply) {
  REQUIRE(reply.at("ok") == false);
  return std::string(reply.at("error").at("code").as_string());
}

void register_test_commands(ControlFixture& f) {
  REQUIRE(f.commands.register_command(
      "echo", control::Effect::read_only, [](const control::Request& r) -> asio::awaitable<Result<json::value>> {
        co_return json::value(json::object{{"args", r.args}, {"peer_uid", r.peer.uid}});
      }));
  REQUIRE(f.commands.register_command(
      "add", control::Effect::read_only, [](const control::Request& r) -> asio::awaitable<Result<json::value>> {
        auto a = control::args::get_int(r, "a");
        if (!a) co_return a.error();
        auto b = control::args::get_int(r, "b");
        if (!b) co_return b.error();
        co_return json::value(*a + *b);
      }));
  REQUIRE(f.commands.register_command(
      "leak", control::Effect::read_only, [](const control::Request&) -> asio::awaitable<Result<json::value>> {
        co_return make_error("not_found", "no seller for buyer jane.doe@example.com");
      }));
  REQUIRE(f.commands.register_command(
      "throw", control::Effect::read_only, [](const control::Request&) -> asio::awaitable<Result<json::value>> {
        throw std::runtime_error("boom");
        co_return json::value();
      }));
}

bool wait_until_no_sessions(ControlFixture& f) {
  // Each round trip lets the io thread process pending work first.
  return testing::eventually([&] { return f.on_io([&] { return f.server->active_sessions(); }) == 0; },
                             std::chrono::seconds(60), std::chrono::milliseconds(1));
}

}  // namespace

TEST_CASE("replies echo the request id and carry the result", "[unit]") {
  ControlFixture f;
  register_test_commands(f);
  REQUIRE(f.start());
  auto c = connect(f);
  // Three requests in one write: replies come back in order, ids echoed as given.
  REQUIRE(c.write_all(R"({"id":"abc","command":"echo","args":{"x":1}})"
                      "\n"
                      R"({"id":7,"command":"add","args":{"a":2,"b":"40"}})"
                      "\n"
                      R"({"command":"echo"})"
                      "\r\n"));
  auto r1 = reply_of(c);
  CHECK(r1.at("id") == "abc");
  CHECK(r1.at("ok") == true);
  CHECK(r1.at("result").at("args").at("x") == 1);
  CHECK(r1.at("result").at("peer_uid") == static_cast<std::int64_t>(getuid()));
  auto r2 = reply_of(c);
  CHECK(r2.at("id") == 7);
  CHECK(r2.at("result") == 42);
  auto r3 = reply_of(c);
  CHECK(r3.at("id").is_null());
  CHECK(r3.at("ok") == true);
}

TEST_CASE("malformed requests get errors and the connection stays usable", "[unit]") {
  ControlFixture f;
  register_test_commands(f);
  REQUIRE(f.start());
  auto c = connect(f);
  struct Case {
    const char* line;
    const char* code;
    json::value id;
  };
  const Case cases[] = {
      {"\x01\xff garbage {{{", control::codes::bad_json, nullptr},
      {"{\"command\":\"echo\"", control::codes::bad_json, nullptr},
      {"[1,2,3]", control::codes::not_object, nullptr},
      {"\"status\"", control::codes::not_object, nullptr},
      {"42", control::codes::not_object, nullptr},
      {R"({"id":3,"args":{}})", control::codes::missing_command, 3},
      {R"({"id":4,"command":""})", control::codes::missing_command, 4},
      {R"({"id":5,"command":17})", control::codes::missing_command, 5},
      {R"({"id":"u","command":"no_such_thing"})", control::codes::unknown_command, "u"},
      {R"({"id":6,"command":"echo","args":[1]})", control::codes::bad_args, 6},
      {R"({"id":8,"command":"add","args":{"a":1}})", control::codes::bad_args, 8},
      {R"({"id":9,"command":"add","args":{"a":1,"b":"x"}})", control::codes::bad_args, 9},
      {R"({"id":{"nested":1},"command":"echo"})", control::codes::bad_json, nullptr},
      {R"({"id":10,"command":"throw"})", control::codes::internal, 10},
  };
  for (const auto& tc : cases) {
    INFO(tc.line);
    REQUIRE(c.write_all(std::string(tc.line) + "\n"));
    auto r = reply_of(c);
    CHECK(error_code_of(r) == tc.code);
    CHECK(r.at("id") == tc.id);
    CHECK_FALSE(r.at("error").at("message").as_string().empty());
  }
  REQUIRE(c.write_all("{\"id\":11,\"command\":\"echo\"}\n"));
  CHECK(reply_of(c).at("ok") == true);
}

TEST_CASE("error messages are redacted", "[unit]") {
  ControlFixture f;
  register_test_commands(f);
  REQUIRE(f.start());
  auto c = connect(f);
  REQUIRE(c.write_all("{\"id\":1,\"command\":\"leak\"}\n"));
  auto line = c.read_line().value();
  CHECK(line.find("jane.doe") == std::string::npos);
  CHECK(line.find("[redacted]") != std::string::npos);
  CHECK(line.find("not_found") != std::string::npos);
}

TEST_CASE("results are redacted too, on the raw strings before escaping", "[unit]") {
  ControlFixture f;
  register_test_commands(f);
  REQUIRE(f.start());
  const std::string canary = "reply\"canary\\secret-31";
  blazed::register_secret(blazed::Secret(canary));
  auto c = connect(f);
  // What a job's last error or a seller's sync error could hold: a token, an e-mail, a secret.
  json::object args{{"last_error", "upstream: " + canary},
                    {"nested", json::array{"Atzr%7CIwEBIA-canary", "buyer jane.doe@example.com"}}};
  REQUIRE(c.write_all(json::serialize(json::object{{"id", 1}, {"command", "echo"}, {"args", args}}) + "\n"));
  auto line = c.read_line().value();
  blazed::forget_registered_secrets();
  CAPTURE(line);
  CHECK(line.find("canary") == std::string::npos);
  CHECK(line.find("jane.doe") == std::string::npos);
  CHECK(json::parse(line).at("ok") == true);
}

TEST_CASE("a 1 MB line gets line_too_long and a closed connection; others are unaffected",
          "[unit]") {
  ControlFixture f;
  f.cfg.max_line_bytes = 1024;
  register_test_commands(f);
  REQUIRE(f.start());
  auto bystander = connect(f);
  auto c = connect(f);
  // The server closes before reading it all, so the write may fail part way: that is expected.
  (void)c.write_all(std::string(1 << 20, 'x'));
  auto r = reply_of(c);
  CHECK(error_code_of(r) == control::codes::line_too_long);
  // Closed with our unread bytes still queued: the kernel reports a reset rather than eof.
  auto after = c.read_line();
  REQUIRE_FALSE(after);
  CHECK((after.error().code == "eof" || after.error().code == "io"));

  // A line of exactly the limit is fine.
  auto exact = connect(f);
  std::string req = R"({"id":1,"command":"echo","args":{"pad":""}})";
  req.insert(req.size() - 3, std::string(1024 - req.size(), 'p'));
  REQUIRE(req.size() == 1024);
  REQUIRE(exact.write_all(req + "\n"));
  CHECK(reply_of(exact).at("ok") == true);

  REQUIRE(bystander.write_all("{\"id\":2,\"command\":\"echo\"}\n"));
  CHECK(reply_of(bystander).at("id") == 2);
}

TEST_CASE("half a line then silence is closed after the idle timeout", "[unit]") {
  ControlFixture f;
  f.cfg.idle_timeout = std::chrono::milliseconds(100);
  register_test_commands(f);
  REQUIRE(f.start());
  auto c = connect(f);
  REQUIRE(c.write_all("{\"id\":1,\"comm"));
  // No sleeping: the read below returns when the server acts on its timeout.
  CHECK(error_code_of(reply_of(c)) == control::codes::idle_timeout);
  CHECK(c.read_line().error().code == "eof");

  auto d = connect(f);
  REQUIRE(d.write_all("{\"id\":2,\"command\":\"echo\"}\n"));
  CHECK(reply_of(d).at("ok") == true);
}

TEST_CASE("a client that stops reading its reply is closed after the idle timeout", "[unit]") {
  ControlFixture f;
  f.cfg.idle_timeout = std::chrono::milliseconds(100);
  std::promise<void> answered;
  REQUIRE(f.commands.register_command(
      "big", control::Effect::read_only, [&](const control::Request&) -> asio::awaitable<Result<json::value>> {
        answered.set_value();
        co_return json::value(std::string(32u << 20, 'b'));  // far more than socket buffers hold
      }));
  REQUIRE(f.start());
  auto c = connect(f);
  REQUIRE(c.write_all("{\"id\":1,\"command\":\"big\"}\n"));
  answered.get_future().get();
  // We never read: the server's write stalls, its timer fires, and the session goes away.
  REQUIRE(wait_until_no_sessions(f));
  auto other = connect(f);
  auto reply = ctl::call(other, "nope", {});
  REQUIRE(reply);
  CHECK(reply->error.code == control::codes::unknown_command);
}

TEST_CASE("clients beyond max_clients are told busy; the daemon keeps serving", "[unit]") {
  ControlFixture f;
  f.cfg.max_clients = 10;
  register_test_commands(f);
  REQUIRE(f.start());
  std::vector<ctl::Connection> clients;
  for (int i = 0; i < 100; ++i) clients.push_back(connect(f));
  int ok = 0;
  int busy = 0;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    auto reply = ctl::call(clients[i], "echo", {}, static_cast<std::int64_t>(i));
    REQUIRE(reply);
    if (reply->ok) {
      CHECK(reply->id == static_cast<std::int64_t>(i));
      ++ok;
    } else {
      CHECK(reply->error.code == control::codes::busy);
      CHECK(reply->id.is_null());
      ++busy;
    }
  }
  CHECK(ok == 10);
  CHECK(busy == 90);
  auto& conns = f.metrics.counter("blazed_control_connections_total", "", {"outcome"});
  CHECK(conns.with({"busy"}).value() == 90);
  CHECK(conns.with({"accepted"}).value() == 10);

  clients.clear();
  REQUIRE(wait_until_no_sessions(f));
  auto c = connect(f);
  auto reply = ctl::call(c, "echo", {});
  REQUIRE(reply);
  CHECK(reply->ok);
}

TEST_CASE("peers without a role are refused", "[unit]") {
  ControlFixture f;
  register_test_commands(f);
  // Without root and our own uid among the always-admin, lists that name others refuse us.
  REQUIRE(f.start(control::PeerPolicy({}, {{getuid() + 1}, {getgid() + 1}}, {{getuid() + 2}, {getgid() + 2}})));
  auto c = connect(f);
  auto reply = ctl::call(c, "echo", {});
  REQUIRE(reply);
  CHECK_FALSE(reply->ok);
  CHECK(reply->error.code == control::codes::forbidden);
  CHECK(f.metrics.counter("blazed_control_connections_total", "", {"outcome"})
            .with({"forbidden"})
            .value() == 1);
}

TEST_CASE("peers with a role by uid or by group are served", "[unit]") {
  for (auto policy : {control::PeerPolicy({}, {{getuid()}, {}}, {}), control::PeerPolicy({}, {}, {{}, {getgid()}}),
                      control::PeerPolicy::from_config({})}) {
    ControlFixture f;
    register_test_commands(f);
    REQUIRE(f.start(policy));
    auto c = connect(f);
    auto reply = ctl::call(c, "echo", {});
    REQUIRE(reply);
    CHECK(reply->ok);
  }
}

TEST_CASE("the policy gives roles by uid, primary gid and supplementary groups", "[unit]") {
  using control::Role;
  control::PeerPolicy p({0}, {{1000}, {50}}, {{2000}, {60, 70}});
  CHECK(p.role_of({1, 0, 999, {}}) == Role::admin);            // always admin
  CHECK(p.role_of({1, 1000, 999, {}}) == Role::admin);         // admin uid
  CHECK(p.role_of({1, 1001, 50, {}}) == Role::admin);          // admin primary group
  CHECK(p.role_of({1, 1001, 999, {7, 50}}) == Role::admin);    // admin supplementary group
  CHECK(p.role_of({1, 2000, 999, {}}) == Role::read);          // read uid
  CHECK(p.role_of({1, 1001, 60, {}}) == Role::read);           // read primary group
  CHECK(p.role_of({1, 1001, 999, {7, 70}}) == Role::read);     // read supplementary group
  CHECK(p.role_of({1, 2000, 50, {}}) == Role::admin);          // admin wins over read
  CHECK(p.role_of({1, 1001, 999, {7}}) == Role::none);
}

TEST_CASE("the overflow id never gets a role, whatever the lists say", "[unit]") {
  using control::Role;
  // Under a user namespace (PrivateUsers=) every peer the namespace does not map is 65534.
  constexpr uid_t nobody = config::kOverflowId;
  control::PeerPolicy p({0, nobody}, {{nobody}, {nobody}}, {{nobody}, {nobody}});
  CHECK(p.role_of({1, nobody, 999, {}}) == Role::none);
  CHECK(p.role_of({1, 1001, nobody, {}}) == Role::none);
  CHECK(p.role_of({1, 1001, 999, {nobody}}) == Role::none);
  CHECK(p.role_of({1, 0, nobody, {}}) == Role::admin);  // root stays root
}

// What a process running as `uid` reads from the socket after sending one request: forked, so
// that only system calls run between fork and _exit.
std::string reply_seen_as(const std::string& socket_path, uid_t uid) {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  const std::string request = "{\"id\":1,\"command\":\"echo\"}\n";
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(out[0]);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (::setgroups(0, nullptr) != 0 || ::setgid(uid) != 0 || ::setuid(uid) != 0 || fd < 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      ::_exit(1);
    // The refusal may close the connection first: no SIGPIPE, the reply is read all the same.
    (void)!::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buf[512];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) (void)!::write(out[1], buf, static_cast<std::size_t>(n));
    ::_exit(0);
  }
  ::close(out[1]);
  std::string seen;
  char buf[512];
  ssize_t n = 0;
  while ((n = ::read(out[0], buf, sizeof buf)) > 0) seen.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  return seen;
}

TEST_CASE("a peer whose uid is the overflow id is refused at the socket", "[unit]") {
  if (geteuid() != 0) {
    WARN("needs root to connect as uid 65534; the policy test above covers the rule");
    return;
  }
  ControlFixture f;
  register_test_commands(f);
  f.cfg.mode = 0666;
  constexpr uid_t nobody = config::kOverflowId;
  REQUIRE(f.start(control::PeerPolicy({0}, {{nobody}, {nobody}}, {{nobody}, {nobody}})));
  std::filesystem::permissions(f.dir.path(), std::filesystem::perms(0755));
  std::filesystem::permissions(std::filesystem::path(f.cfg.socket).parent_path(), std::filesystem::perms(0755));
  auto reply = json::parse(reply_seen_as(f.cfg.socket, nobody)).as_object();
  CHECK(error_code_of(reply) == "forbidden");
}

namespace {

// Mutating commands for the role tests: `pause` takes ids, `connect` takes a secret argument.
void register_mutating_commands(ControlFixture& f, int& ran) {
  auto handler = [&ran](const control::Request&) -> asio::awaitable<Result<json::value>> {
    ++ran;
    co_return json::value(json::object{{"done", true}});
  };
  REQUIRE(f.commands.register_command("pause", control::Effect::mutating, handler, "stop a queue"));
  REQUIRE(f.commands.register_command("connect", control::Effect::mutating, handler, "plant a token",
                                      {"refresh_token"}));
}

// The audit records the server hands its sink, read from the test thread.
struct AuditLog {
  std::mutex mutex;
  std::vector<control::CommandAudit> records;
  control::AuditSink sink() {
    return [this](const control::CommandAudit& a) -> asio::awaitable<void> {
      std::lock_guard lock(mutex);
      records.push_back(a);
      co_return;
    };
  }
  std::vector<control::CommandAudit> taken() {
    std::lock_guard lock(mutex);
    return records;
  }
};

}  // namespace

TEST_CASE("a read-only peer runs read-only commands and is refused mutating ones, audited", "[unit]") {
  ControlFixture f;
  register_test_commands(f);
  int ran = 0;
  register_mutating_commands(f, ran);
  AuditLog audit;
  f.audit = audit.sink();
  REQUIRE(f.start(control::PeerPolicy({}, {}, {{getuid()}, {}})));
  auto c = connect(f);

  auto read = ctl::call(c, "echo", {});
  REQUIRE(read);
  CHECK(read->ok);

  auto refused = ctl::call(c, "pause", {{"queue", "sync"}});
  REQUIRE(refused);
  CHECK_FALSE(refused->ok);
  CHECK(refused->error.code == "role_required");
  CHECK_THAT(refused->error.message, Catch::Contains("\"pause\"") && Catch::Contains("admin role") &&
                                         Catch::Contains("control.admin_uids") &&
                                         Catch::Contains("this peer has the read role"));
  CHECK(ran == 0);
  // The connection stays open: the refusal is about one command, not the peer.
  auto again = ctl::call(c, "echo", {});
  REQUIRE(again);
  CHECK(again->ok);

  auto records = audit.taken();
  REQUIRE(records.size() == 1);  // read-only commands are not audited
  CHECK(records[0].command == "pause");
  CHECK(records[0].outcome == control::CommandAudit::Outcome::denied);
  CHECK(records[0].error_code == "role_required");
  CHECK(records[0].role == control::Role::read);
  CHECK(records[0].peer.uid == getuid());
  CHECK(records[0].peer.pid == getpid());
  CHECK(records[0].args == json::object{{"queue", "sync"}});
}

TEST_CASE("an admin's mutating commands are audited with peer and arguments, secrets left out", "[unit]") {
  ControlFixture f;
  int ran = 0;
  register_mutating_commands(f, ran);
  AuditLog audit;
  f.audit = audit.sink();
  REQUIRE(f.start(control::PeerPolicy({}, {{getuid()}, {}}, {})));
  auto c = connect(f);
  const std::string token = "Atzr|IwEBIA-secret-refresh-token-value";
  auto reply = ctl::call(c, "connect", {{"region", "eu"}, {"refresh_token", token},
                                        {"note", "from " + token}, {"seller_id", 7}});
  REQUIRE(reply);
  CHECK(reply->ok);
  CHECK(ran == 1);
  auto records = audit.taken();
  REQUIRE(records.size() == 1);
  const auto& r = records[0];
  CHECK(r.command == "connect");
  CHECK(r.outcome == control::CommandAudit::Outcome::success);
  CHECK(r.error_code.empty());
  CHECK(r.role == control::Role::admin);
  CHECK(r.peer.uid == getuid());
  CHECK(r.peer.pid == getpid());
  CHECK(r.args == json::object{{"region", "eu"}, {"refresh_token", "[secret]"},
                               {"note", "[redacted]"}, {"seller_id", 7}});
  CHECK(json::serialize(r.args).find("IwEBIA") == std::string::npos);
}

TEST_CASE("the commands list says which role each command needs", "[unit]") {
  ControlFixture f;
  int ran = 0;
  register_mutating_commands(f, ran);
  REQUIRE(control::register_builtin_commands(f.commands, {}));
  REQUIRE(f.start());
  auto c = connect(f);
  auto reply = ctl::call(c, "commands", {});
  REQUIRE(reply);
  REQUIRE(reply->ok);
  std::map<std::string, std::string> roles;
  for (const auto& e : reply->result.at("commands").as_array())
    roles[std::string(e.at("name").as_string())] = std::string(e.at("role").as_string());
  CHECK(roles == std::map<std::string, std::string>{
                     {"commands", "read"}, {"health", "read"}, {"status", "read"}, {"connect", "admin"},
                     {"pause", "admin"}});
}

TEST_CASE("the socket file: parent created, mode set, stale removed, live refused", "[unit]") {
  ControlFixture f;
  f.cfg.mode = 0660;
  // A stale socket: bound, never listened on, left behind.
  std::filesystem::create_directories(std::filesystem::path(f.cfg.socket).parent_path());
  {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, f.cfg.socket.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    ::close(fd);
  }
  REQUIRE(f.start());
  struct stat st {};
  REQUIRE(::stat(f.cfg.socket.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 0777) == 0660);

  // A second daemon on the same path must not steal the live socket.
  asio::io_context io2;
  control::ControlServer second(io2.get_executor(), f.cfg, f.commands);
  auto st2 = second.start();
  REQUIRE_FALSE(st2);
  CHECK(st2.error().code == "socket_in_use");

  // Stop removes our socket file.
  f.stop();
  CHECK_FALSE(std::filesystem::exists(f.cfg.socket));

  // Something that is not a socket is never removed.
  blazed::testing::TempDir d;
  std::ofstream(d / "file") << "x";
  auto st3 = control::prepare_socket_path((d / "file").string());
  REQUIRE_FALSE(st3);
  CHECK(st3.error().code == "socket_path");
  CHECK(std::filesystem::exists(d / "file"));
}

TEST_CASE("requests are counted by command and outcome", "[unit]") {
  ControlFixture f;
  register_test_commands(f);
  REQUIRE(f.start());
  auto c = connect(f);
  REQUIRE(ctl::call(c, "echo", {}));
  REQUIRE(ctl::call(c, "echo", {}));
  REQUIRE(ctl::call(c, "nope", {}));
  REQUIRE(ctl::call(c, "add", {{"a", 1}}));
  auto text = f.metrics.expose();
  CHECK(text.find("blazed_control_requests_total{command=\"echo\",outcome=\"ok\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("blazed_control_requests_total{command=\"none\",outcome=\"unknown_command\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("blazed_control_requests_total{command=\"add\",outcome=\"bad_args\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("blazed_control_connections 1\n") != std::string::npos);
}

namespace {

// A command that waits at a gate the test opens, and says when it has started.
struct Gate {
  std::promise<void> entered;
  std::optional<asio::steady_timer> timer;
  std::promise<bool> cancelled;

  void install(ControlFixture& f) {
    timer.emplace(f.io, asio::steady_timer::time_point::max());
    REQUIRE(f.commands.register_command(
        "slow", control::Effect::mutating, [this](const control::Request&) -> asio::awaitable<Result<json::value>> {
          entered.set_value();
          try {
            co_await timer->async_wait(asio::use_awaitable);
          } catch (const boost::system::system_error&) {
          }
          // The gate was opened (cancel) or the command was cancelled by stop.
          bool aborted = (co_await asio::this_coro::cancellation_state).cancelled() !=
                         asio::cancellation_type::none;
          cancelled.set_value(aborted);
          if (aborted) co_return make_error("shutting_down", "cancelled");
          co_return json::value("done");
        }));
  }
};

// A started server whose "slow" command waits at `gate`; `send_slow` starts one on a connection
// and returns once it runs.
struct GatedServer {
  ControlFixture f;
  Gate gate;
  GatedServer() {
    gate.install(f);
    REQUIRE(f.start());
  }
  void send_slow(ctl::Connection& c) {
    REQUIRE(c.write_all("{\"id\":1,\"command\":\"slow\"}\n"));
    gate.entered.get_future().get();
  }
};

}  // namespace

TEST_CASE("stop lets a request in flight finish before the deadline", "[unit]") {
  GatedServer s;
  auto [f, gate] = std::tie(s.f, s.gate);  // references into s
  auto idle = connect(f);
  auto c = connect(f);
  s.send_slow(c);
  auto stopped = asio::co_spawn(f.io, f.server->stop(std::chrono::seconds(60)), asio::use_future);
  // The idle client is closed at once; new connections are refused.
  CHECK(idle.read_line().error().code == "eof");
  CHECK_FALSE(ctl::Connection::open(f.cfg.socket, guard).has_value());
  asio::post(f.io, [&] { gate.timer->cancel(); });
  auto r = reply_of(c);
  CHECK(r.at("result") == "done");
  CHECK(gate.cancelled.get_future().get() == false);
  stopped.get();
  CHECK(c.read_line().error().code == "eof");
}

TEST_CASE("stop cancels a request still running at the deadline", "[unit]") {
  GatedServer s;
  auto [f, gate] = std::tie(s.f, s.gate);  // references into s
  auto c = connect(f);
  s.send_slow(c);
  asio::co_spawn(f.io, f.server->stop(std::chrono::milliseconds(0)), asio::use_future).get();
  CHECK(gate.cancelled.get_future().get() == true);
  CHECK_FALSE(c.read_line());
}

TEST_CASE("builtin status, health and commands", "[unit]") {
  ControlFixture f;
  ManualClock clock;
  bool pg_ok = true;
  control::StatusSources src;
  src.version = "9.9.9";
  src.instance_id = "host:1";
  src.clock = &clock;
  src.started_at = clock.now();
  src.components = [&] {
    return std::vector<control::ComponentState>{{"redis", true, "connected"},
                                                {"postgres", pg_ok, pg_ok ? "connected" : "refused by ops@example.com"}};
  };
  REQUIRE(control::register_builtin_commands(f.commands, src));
  CHECK(control::register_builtin_commands(f.commands, src).error().code == "duplicate_command");
  clock.advance(std::chrono::seconds(3725));
  REQUIRE(f.start());
  auto c = connect(f);

  auto status = ctl::call(c, "status", {}).value();
  REQUIRE(status.ok);
  auto& s = status.result.as_object();
  CHECK(s.at("version") == "9.9.9");
  CHECK(s.at("instance_id") == "host:1");
  CHECK(s.at("uptime_seconds") == 3725);
  CHECK(s.at("started_at") == "2023-11-14T22:13:20Z");
  CHECK(s.at("components").at("redis").at("ok") == true);
  CHECK(s.at("components").at("postgres").at("detail") == "connected");

  auto health = ctl::call(c, "health", {}).value();
  CHECK(health.result.at("healthy") == true);
  CHECK(health.result.at("checks").as_array().size() == 2);
  f.on_io([&] { pg_ok = false; return 0; });
  health = ctl::call(c, "health", {}).value();
  CHECK(health.result.at("healthy") == false);
  CHECK(health.result.at("checks").at(1).at("detail") == "refused by [redacted]");

  auto list = ctl::call(c, "commands", {}).value();
  std::vector<std::string> names;
  for (const auto& e : list.result.at("commands").as_array()) {
    names.emplace_back(e.at("name").as_string());
  }
  CHECK(names == std::vector<std::string>{"commands", "health", "status"});
}

TEST_CASE("a storm of bad clients at once leaves the daemon serving", "[unit]") {
  ControlFixture f;
  f.cfg.max_clients = 8;
  f.cfg.max_line_bytes = 4096;
  f.cfg.idle_timeout = std::chrono::milliseconds(200);
  register_test_commands(f);
  REQUIRE(f.start());
  std::vector<std::thread> storm;
  for (int t = 0; t < 4; ++t) {
    storm.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto c = ctl::Connection::open(f.cfg.socket, guard);
        if (!c) continue;
        switch ((t + i) % 4) {
          case 0: (void)c->write_all("\x01\x02 not json at all\n"); break;
          case 1: (void)c->write_all(std::string(1 << 20, '{')); break;
          case 2: (void)c->write_all("{\"id\":1,\"comma"); break;  // then silence
          default: (void)c->write_all("[]\n{\"command\":\"throw\"}\n"); break;
        }
        // Read whatever comes (an error line, busy, or nothing) until the server closes.
        while (c->read_line()) {
        }
      }
    });
  }
  for (auto& t : storm) t.join();
  REQUIRE(wait_until_no_sessions(f));
  auto good = connect(f);
  auto reply = ctl::call(good, "add", {{"a", 40}, {"b", 2}});
  REQUIRE(reply);
  CHECK(reply->result == 42);
}
