// Tests the config loader: defaults, every kind of bad input naming key and line, secret refs.
#include "config/loader.hpp"

#include "harness/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace blazed::config;

namespace {
std::string error_of(std::string_view yaml) {
  auto r = parse_config(yaml, "blazed.yaml");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == "bad_config");
  return r.error().message;
}
}  // namespace

TEST_CASE("an empty file gives every default", "[unit]") {
  auto c = parse_config("", "x.yaml").value();
  CHECK(c.redis.url == "redis://127.0.0.1:6379/0");
  CHECK(c.control.mode == 0660);
  CHECK(c.health.port == 9464);
  CHECK(c.shutdown_deadline == std::chrono::seconds(20));
}

TEST_CASE("values of each type are read", "[unit]") {
  auto c = parse_config(R"(
log:
  level: debug
  components: {redis: trace}
redis:
  url: unix:///tmp/r.sock
  command_timeout: 250ms
  password: env:REDIS_PW
control:
  mode: "0600"
  allow_uids: [0, 1234]
health:
  enabled: false
  port: 0
)",
                        "x.yaml")
               .value();
  CHECK(c.log.level == blazed::log::Level::debug);
  CHECK(c.log.components.at("redis") == blazed::log::Level::trace);
  CHECK(c.redis.url == "unix:///tmp/r.sock");
  CHECK(c.redis.command_timeout == std::chrono::milliseconds(250));
  CHECK(c.redis.password == SecretRef{SecretRef::Kind::env, "REDIS_PW"});
  CHECK(c.control.mode == 0600);
  CHECK(c.control.allow_uids == std::vector<uid_t>{0, 1234});
  CHECK_FALSE(c.health.enabled);
  CHECK(c.health.port == 0);
}

TEST_CASE("errors name the file, the line and the key", "[unit]") {
  struct Case {
    std::string yaml, expected;
  };
  auto c = GENERATE(values<Case>({
      {"redis:\n  urll: redis://x\n", "blazed.yaml:2: unknown key 'redis.urll' (did you mean 'redis.url'?)"},
      {"log:\n  level: loud\n", "blazed.yaml:2: key 'log.level': expected one of trace"},
      {"a: 1\n", "blazed.yaml:1: unknown key 'a'"},
      {"redis:\n  command_timeout: 5 seconds\n", "blazed.yaml:2: key 'redis.command_timeout': expected a duration"},
      {"health:\n  port: 70000\n", "blazed.yaml:2: key 'health.port': expected an integer from 0 to 65535, got '70000'"},
      {"control:\n  mode: 999\n", "blazed.yaml:2: key 'control.mode': expected an octal file mode"},
      {"redis:\n  url: http://x\n", "blazed.yaml:2: key 'redis.url': expected redis://"},
      {"redis:\n  password: hunter2\n", "blazed.yaml:2: key 'redis.password': expected a secret reference"},
      {"redis: 5\n", "blazed.yaml:1: key 'redis': expected a mapping"},
      {"health:\n  port: 1\n  port: 2\n", "blazed.yaml:3: key 'health.port' appears twice"},
      {"log: [\n", "blazed.yaml:"},
      {"- a\n- b\n", "blazed.yaml:1: the top level must be a mapping"},
      {"control:\n  allow_uids: [no-such-user-xyz]\n", "unknown user 'no-such-user-xyz'"},
  }));
  CAPTURE(c.yaml);
  CHECK_THAT(error_of(c.yaml), Catch::Contains(c.expected));
}

TEST_CASE("a secret written into the YAML is not echoed in the error", "[unit]") {
  // Someone pastes the password itself where a reference belongs.
  auto msg = error_of("postgres:\n  password: pa55-canary\n");
  CHECK_THAT(msg, Catch::Contains("blazed.yaml:2: key 'postgres.password': expected a secret reference"));
  CHECK_THAT(msg, !Catch::Contains("pa55-canary"));
}

TEST_CASE("secret references resolve from env, file and credentials", "[unit]") {
  blazed::testing::TempDir dir;
  std::ofstream(dir / "pw") << "from-file-secret\n";
  std::ofstream(dir / "cred") << "from-credential";
  ::setenv("BLAZED_TEST_SECRET", "from-env-secret", 1);
  ::setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1);

  CHECK(resolve_secret(parse_secret_ref("env:BLAZED_TEST_SECRET").value()).value().reveal() ==
        "from-env-secret");
  CHECK(resolve_secret(parse_secret_ref("file:" + (dir / "pw").string()).value()).value().reveal() ==
        "from-file-secret");
  CHECK(resolve_secret(parse_secret_ref("credential:cred").value()).value().reveal() ==
        "from-credential");

  auto missing = resolve_secret(parse_secret_ref("env:BLAZED_NOT_SET_XYZ").value());
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message == "env:BLAZED_NOT_SET_XYZ: variable is not set");
  CHECK_FALSE(parse_secret_ref("credential:../etc/passwd").has_value());
  CHECK_FALSE(parse_secret_ref("vault:x").has_value());
  ::unsetenv("CREDENTIALS_DIRECTORY");
}

TEST_CASE("durations", "[unit]") {
  CHECK(parse_duration("250ms").value() == std::chrono::milliseconds(250));
  CHECK(parse_duration("7d").value() == std::chrono::hours(24 * 7));
  CHECK(parse_duration("0").value() == std::chrono::milliseconds(0));
  CHECK_FALSE(parse_duration("5").has_value());
  CHECK_FALSE(parse_duration("-1s").has_value());
  CHECK_FALSE(parse_duration("1.5s").has_value());
}

TEST_CASE("a reload reports the restart-only keys that changed", "[unit]") {
  auto a = parse_config("redis:\n  url: redis://a:1\nlog:\n  level: info\n", "a").value();
  auto b = parse_config("redis:\n  url: redis://b:1\nlog:\n  level: debug\nhealth:\n  port: 1\n", "b").value();
  CHECK(restart_only_changes(a, b) == std::vector<std::string>{"redis.url", "health.port"});
  CHECK(restart_only_changes(a, a).empty());
}
