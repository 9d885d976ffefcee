// End-to-end: what `blazed --check-config` finds without connecting (and with --online), and the
// exit code of each start-up failure: 78 for what only the operator can fix (systemd does not
// restart, a server certificate the configured CA rejects included), 69 for a dependency that may
// come back.
#include "harness/daemon_env.hpp"
#include "harness/daemon_process.hpp"
#include "harness/free_port.hpp"
#include "harness/test_pki.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

using namespace blazed::testing;
using namespace std::chrono_literals;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

// The env's config with one line replaced (keys the harness writes itself).
std::filesystem::path config_with(const DaemonEnv& env, const std::string& from, const std::string& to) {
  auto path = env.write_config();
  auto text = read_file(path);
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), to);
  write_file(path, text);
  return path;
}

CommandResult check(const std::filesystem::path& config, bool online = false) {
  std::vector<std::string> argv{kBlazedBinary, "--check-config", config.string()};
  if (online) argv.push_back("--online");
  return run_command(argv);
}

std::optional<int> start_exit(const DaemonEnv& env, const std::filesystem::path& config, std::string* output) {
  DaemonProcess daemon(kBlazedBinary, {"--config", config.string()}, env.dir().path());
  auto code = daemon.wait_exit(20s);
  *output = daemon.output();
  return code;
}

// A listening socket held by the test: the address is "in use" while it lives.
struct Listener {
  int fd = -1;
  ~Listener() {
    if (fd >= 0) ::close(fd);
  }
};

Listener listen_tcp(std::uint16_t port) {
  Listener l{::socket(AF_INET, SOCK_STREAM, 0)};
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(l.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(l.fd, 4) == 0);
  return l;
}

Listener listen_unix(const std::string& path) {
  Listener l{::socket(AF_UNIX, SOCK_STREAM, 0)};
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  REQUIRE(::bind(l.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(l.fd, 4) == 0);
  return l;
}

}  // namespace

TEST_CASE("--check-config finds what the daemon would refuse, without connecting", "[e2e]") {
  DaemonEnv env;
  CHECK(check(env.write_config()).exit_code == 0);

  struct Case {
    std::string yaml;
    std::string says;
  };
  const std::vector<Case> cases{
      {"queue:\n  queues: [\"no spaces{x}\"]\n", "queue.queues"},
      {"schedules:\n  - name: nightly\n    cron: \"0 3 * * *\"\n    job: no_such_job\n",
       "enqueues job type 'no_such_job', which no duty runs"},
      {"schedules:\n  - name: nightly\n    cron: \"0 3 * * *\"\n    zone: Mars/Olympus_Mons\n    job: key_rotation\n",
       "Mars/Olympus_Mons"},
      {"schedules:\n  - name: nightly\n    cron: \"61 3 * * *\"\n    job: key_rotation\n", "schedules"},
      {"spapi:\n  client_id: amzn1.application-oa2-client.x\n  client_secret: env:BLAZED_UNSET_FOR_TEST\n",
       "env:BLAZED_UNSET_FOR_TEST"},
      {"spapi:\n  client_id: amzn1.application-oa2-client.x\n", "spapi.client_secret must be set"},
      {"backup:\n  targets:\n    - bucket: b\n      region: eu-west-1\n      credentials: env:BLAZED_UNSET_AWS\n",
       "backup.targets"},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto result = check(env.write_config(c.yaml));
    CHECK(result.exit_code == 78);
    CHECK_THAT(result.output, Catch::Contains(c.says));
  }

  SECTION("a missing active key is found, and every problem is listed, not only the first") {
    auto config = config_with(env, "active_key: k1", "active_key: k9");
    auto text = read_file(config) + "queue:\n  queues: [\"bad queue{x}\"]\n";
    write_file(config, text);
    auto result = check(config);
    CHECK(result.exit_code == 78);
    CHECK_THAT(result.output, Catch::Contains("keyring") && Catch::Contains("k9"));
    CHECK_THAT(result.output, Catch::Contains("queue.queues"));
  }

  SECTION("--online: Redis and PostgreSQL answer (0); Redis down is transient (69)") {
    auto up = check(env.write_config(), true);
    CHECK(up.exit_code == 0);
    CHECK_THAT(up.output, Catch::Contains("Redis and PostgreSQL answered"));
    env.redis().stop();
    auto down = check(env.write_config(), true);
    CHECK(down.exit_code == 69);
    CHECK_THAT(down.output, Catch::Contains("redis (online)"));
  }
}

TEST_CASE("permanent start-up failures exit 78, a database down exits 69", "[e2e]") {
  DaemonEnv env;
  std::string output;

  SECTION("a bad queue name") {
    CHECK(start_exit(env, env.write_config("queue:\n  queues: [\"bad queue{x}\"]\n"), &output) == 78);
    CHECK_THAT(output, Catch::Contains("bad_queue_name"));
  }
  SECTION("a schedule naming a job type no duty runs") {
    auto config = env.write_config("schedules:\n  - name: n\n    cron: \"@hourly\"\n    job: nope\n");
    CHECK(start_exit(env, config, &output) == 78);
    CHECK_THAT(output, Catch::Contains("which no duty runs"));
  }
  SECTION("the health port in use") {
    auto held = listen_tcp(env.health_port());
    CHECK(start_exit(env, env.write_config(), &output) == 78);
    CHECK_THAT(output, Catch::Contains("health server"));
  }
  SECTION("the control socket answered by another process") {
    auto held = listen_unix(env.socket_path());
    CHECK(start_exit(env, env.write_config(), &output) == 78);
    CHECK_THAT(output, Catch::Contains("socket_in_use"));
  }
  SECTION("an applied migration whose checksum changed") {
    auto config = env.write_config();
    REQUIRE(run_command({kBlazedBinary, "migrate", "--config", config.string()}).exit_code == 0);
    env.db().exec("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
    CHECK(start_exit(env, config, &output) == 78);
    CHECK_THAT(output, Catch::Contains("migration_checksum_mismatch"));
  }
  SECTION("PostgreSQL unreachable is transient") {
    auto config = config_with(env, "dsn: \"" + env.db().dsn() + "\"",
                              "dsn: \"host=127.0.0.1 port=" + std::to_string(free_port()) +
                                  " dbname=x connect_timeout=1\"\n  connect_timeout: 500ms");
    CHECK(start_exit(env, config, &output) == 69);
  }
  INFO(output);
}

TEST_CASE("a Redis certificate the configured CA rejects exits 78 and says which keys to fix",
          "[e2e]") {
  TempDir pki_dir{"blazed-e2e-pki"};
  const auto pki = make_test_pki(pki_dir.path(), "redis", {"localhost"}, {"127.0.0.1"});
  const auto stranger = make_test_pki(pki_dir.path(), "stranger", {"localhost"}, {"127.0.0.1"});
  const auto tls_port = free_port();
  DaemonEnv env(DaemonEnvOptions{.redis_args = {"--tls-port", std::to_string(tls_port),
                                                "--tls-cert-file", pki.server_cert.string(),
                                                "--tls-key-file", pki.server_key.string(),
                                                "--tls-ca-cert-file", pki.ca_cert.string(),
                                                "--tls-auth-clients", "no"}});
  const auto rediss = [&](const std::filesystem::path& ca) {
    return config_with(env, "url: " + env.redis().url(),
                       "url: rediss://localhost:" + std::to_string(tls_port) +
                           "/0\n  tls_ca_file: " + ca.string());
  };
  std::string output;

  SECTION("the server's CA starts the daemon (the TLS set-up itself is right)") {
    DaemonProcess daemon(kBlazedBinary, {"--config", rediss(pki.ca_cert).string()},
                         env.dir().path());
    CHECK(daemon.wait_for_notify("READY=1", 20s));
  }
  SECTION("another CA: exit 78, naming the keys and what the certificate failed") {
    CHECK(start_exit(env, rediss(stranger.ca_cert), &output) == 78);
    CHECK_THAT(output, Catch::Contains("redis.url / redis.tls_ca_file") &&
                           Catch::Contains("certificate rejected: self-signed certificate"));
  }
  SECTION("--check-config --online says the same (78)") {
    auto result = check(rediss(stranger.ca_cert), true);
    CHECK(result.exit_code == 78);
    output = result.output;
    CHECK_THAT(output, Catch::Contains("redis.url / redis.tls_ca_file"));
  }
  SECTION("Redis down is not a certificate problem: the daemon still starts (unready)") {
    DaemonProcess daemon(kBlazedBinary,
                         {"--config", config_with(env, "url: " + env.redis().url(),
                                                  "url: redis://127.0.0.1:" +
                                                      std::to_string(free_port()) + "/0")
                                          .string()},
                         env.dir().path());
    CHECK(daemon.wait_for_notify("READY=1", 20s));
  }
  INFO(output);
}

TEST_CASE("a PostgreSQL certificate sslrootcert rejects exits 78 and names postgres.dsn", "[e2e]") {
  TempDir pki_dir{"blazed-e2e-pg-pki"};
  const auto pki = make_test_pki(pki_dir.path(), "pg", {"localhost"}, {});
  const auto stranger = make_test_pki(pki_dir.path(), "stranger", {"localhost"}, {"127.0.0.1"});
  PgCluster cluster{PgClusterOptions{.tls_cert = pki.server_cert, .tls_key = pki.server_key}};
  DaemonEnv env(DaemonEnvOptions{.redis_args = {}, .postgres = &cluster.endpoint()});
  const auto verify_full = [&](const std::string& host, const std::filesystem::path& ca) {
    const auto dsn = env.db().dsn();
    const std::string plain_host = "host='127.0.0.1'";
    REQUIRE(dsn.starts_with(plain_host));
    const auto tls_dsn = "host=" + host + dsn.substr(plain_host.size()) +
                         " sslmode=verify-full sslrootcert='" + ca.string() + "'";
    return config_with(env, "dsn: \"" + dsn + "\"", "dsn: \"" + tls_dsn + "\"");
  };
  std::string output;

  SECTION("another CA") {
    CHECK(start_exit(env, verify_full("localhost", stranger.ca_cert), &output) == 78);
    CHECK_THAT(output, Catch::Contains("postgres.dsn") && Catch::Contains("certificate verify failed"));
  }
  SECTION("a host name the certificate does not name") {
    CHECK(start_exit(env, verify_full("127.0.0.1", pki.ca_cert), &output) == 78);
    CHECK_THAT(output, Catch::Contains("postgres.dsn") && Catch::Contains("does not match host name"));
  }
  INFO(output);
}
