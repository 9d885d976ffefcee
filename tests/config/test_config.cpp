// Tests the config loader: defaults, every kind of bad input naming key and line, secret refs.
#include "config/loader.hpp"

#include "harness/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <grp.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

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

TEST_CASE("retention: 30 days of raw payloads by default and at most, holidays sorted", "[unit]") {
  auto d = parse_config("", "x.yaml").value();
  CHECK(d.retention.raw_payloads == std::chrono::hours(24 * 30));
  CHECK(d.retention.holidays.empty());
  auto c = parse_config("retention:\n  raw_payloads: 30d\n  holidays: [2027-01-01, 2026-12-25]\n", "x.yaml").value();
  CHECK(c.retention.raw_payloads == std::chrono::hours(24 * 30));
  using namespace std::chrono;
  CHECK(c.retention.holidays == std::vector<sys_days>{sys_days{2026y / December / 25}, sys_days{2027y / January / 1}});
  CHECK(parse_config("retention:\n  raw_payloads: 7d\n", "x.yaml").value().retention.raw_payloads == hours(24 * 7));
  CHECK(d.retention.audit == hours(24 * 400));
  CHECK(parse_config("retention:\n  audit: 365d\n", "x.yaml").value().retention.audit == hours(24 * 365));
}

TEST_CASE("webhooks: off by default; a URL with its secret reference", "[unit]") {
  auto d = parse_config("", "x.yaml").value();
  CHECK(d.webhooks.url.empty());
  CHECK_FALSE(d.webhooks.secret.has_value());
  CHECK(d.webhooks.timeout == std::chrono::seconds(10));
  auto c = parse_config("webhooks:\n  url: http://127.0.0.1:8080/hook\n  secret: credential:hook\n"
                        "  allow_plain_http: true\n  timeout: 3s\n", "x.yaml").value();
  CHECK(c.webhooks.url == "http://127.0.0.1:8080/hook");
  CHECK(c.webhooks.secret == SecretRef{SecretRef::Kind::credential, "hook"});
  CHECK(c.webhooks.timeout == std::chrono::seconds(3));
}

TEST_CASE("the group blazed may read by default, where it exists; a given list replaces it", "[unit]") {
  const group* blazed_group = getgrnam(kDefaultReadGroup);
  auto defaults = parse_config("", "x.yaml").value();
  CHECK(defaults.control.read_gids ==
        (blazed_group ? std::vector<gid_t>{blazed_group->gr_gid} : std::vector<gid_t>{}));
  CHECK(defaults.control.read_uids.empty());
  CHECK(defaults.control.admin_uids.empty());
  CHECK(defaults.control.admin_gids.empty());
  CHECK(parse_config("control:\n  read_gids: []\n", "x.yaml").value().control.read_gids.empty());
  CHECK(parse_config("control:\n  read_gids:\n", "x.yaml").value().control.read_gids ==
        defaults.control.read_gids);
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
  admin_uids: [0, 1234]
  read_gids: [0]
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
  CHECK(c.control.admin_uids == std::vector<uid_t>{0, 1234});
  CHECK(c.control.read_gids == std::vector<gid_t>{0});
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
      {"control:\n  admin_uids: [no-such-user-xyz]\n", "unknown user 'no-such-user-xyz'"},
      // Under a user namespace every unmapped peer is 65534: listing it would admit anyone.
      {"control:\n  read_uids: [65534]\n", "blazed.yaml:2: key 'control.read_uids': '65534' is the overflow id"},
      {"control:\n  admin_gids: [1, 65534]\n", "blazed.yaml:2: key 'control.admin_gids': '65534' is the overflow id"},
      // List items: the error names the item, its field and the field's (or item's) line.
      {"schedules:\n  - {name: a, cron: '@daily', job: j}\n  - name: b\n    cron: [1]\n    job: j\n",
       "blazed.yaml:4: key 'schedules[1].cron': expected a string, got a list"},
      {"schedules:\n  - name: a\n    cron: '@daily'\n", "blazed.yaml:2: key 'schedules[0].job': is required"},
      {"schedules:\n  - name: a\n    crn: '@daily'\n", "blazed.yaml:3: key 'schedules[0].crn': unknown key"},
      {"schedules:\n  - name: a\n    name: b\n", "blazed.yaml:3: key 'schedules[0].name': appears twice"},
      {"schedules:\n  - {name: a, cron: x, job: j}\n  - 5\n", "blazed.yaml:3: key 'schedules[1]': expected a mapping"},
      {"schedules:\n  - {name: a, cron: x, job: j}\n  - {name: b, cron: x, job: j}\n  - name: c\n    cron: \"\"\n    job: j\n",
       "blazed.yaml:5: key 'schedules[2].cron': expected a non-empty string, got ''"},
      {"schedules:\n  - name: a\n    cron: x\n    job: j\n    payload: '{\"a\":1}'\n",
       "blazed.yaml:5: key 'schedules[0].payload': expected a mapping"},
      {"schedules: {name: a}\n", "blazed.yaml:1: key 'schedules': expected a list of mappings"},
      {"rate_limit:\n  plans:\n    - {operation: a, rate: 1, burst: 1}\n    - {operation: b, rate: -1, burst: 1}\n",
       "blazed.yaml:4: key 'rate_limit.plans[1].rate': expected a number from 1e-06 to 1000, got '-1'"},
      {"rate_limit:\n  plans:\n    - {operation: a, rate: .nan, burst: 1}\n", "key 'rate_limit.plans[0].rate': expected a number"},
      {"rate_limit:\n  plans:\n    - {operation: a, rate: nan, burst: 1}\n", "key 'rate_limit.plans[0].rate': expected a number"},
      {"rate_limit:\n  plans:\n    - {operation: a, rate: 1, burst: 0}\n",
       "blazed.yaml:3: key 'rate_limit.plans[0].burst': expected an integer from 1 to 1000000, got '0'"},
      {"rate_limit:\n  plans:\n    - {operation: a, burst: 2}\n", "blazed.yaml:3: key 'rate_limit.plans[0].rate': is required"},
      {"rate_limit:\n  slow_down_factor: 0\n", "blazed.yaml:2: key 'rate_limit.slow_down_factor': expected a number greater than 0 and at most 1, got '0'"},
      {"rate_limit:\n  slow_down_factor: 1.5\n", "key 'rate_limit.slow_down_factor': expected a number greater than 0"},
      {"rate_limit:\n  min_rate: inf\n", "blazed.yaml:2: key 'rate_limit.min_rate': expected a number"},
      {"rate_limit:\n  min_rate: 1e-3x\n", "blazed.yaml:2: key 'rate_limit.min_rate': expected a number"},
      {"credential_ages:\n  lwa_client_secret_created: 2025-02-29\n",
       "blazed.yaml:2: key 'credential_ages.lwa_client_secret_created': expected a date YYYY-MM-DD, got '2025-02-29'"},
      {"credential_ages:\n  lwa_client_secret_created: 2025-1-05\n", "expected a date YYYY-MM-DD"},
      {"credential_ages:\n  lwa_client_secret_created: 2025-13-01\n", "expected a date YYYY-MM-DD"},
      {"credential_ages:\n  lwa_client_secret_created: 20x5-01-01\n", "expected a date YYYY-MM-DD"},
      {"queue:\n  lease: 0\n", "blazed.yaml:2: key 'queue.lease': expected a duration greater than 0"},
      {"queue:\n  queues: []\n", "blazed.yaml:2: key 'queue.queues': expected a non-empty list"},
      {"queue:\n  concurrency: 0\n", "key 'queue.concurrency': expected an integer from 1 to 1024"},
      {"sync:\n  intervall: 1h\n", "blazed.yaml:2: unknown key 'sync.intervall' (did you mean 'sync.interval'?)"},
      {"spapi:\n  max_results_per_page: 101\n", "key 'spapi.max_results_per_page': expected an integer from 1 to 100"},
      {"keyring:\n  from_credentials: maybe\n", "blazed.yaml:2: key 'keyring.from_credentials': expected true or false"},
      // Raw SP-API pages may hold buyer PII: 30 days is the published maximum.
      // A backfill deeper than the two years SP-API serves, or shallower than the first sync.
      {"sync:\n  backfill:\n    transactions: 731d\n", "blazed.yaml:3: key 'sync.backfill.transactions': at most 730d"},
      {"sync:\n  interval: 1h\n  backfill:\n    orders: 800d\n", "blazed.yaml:4: key 'sync.backfill.orders': at most 730d"},
      {"sync:\n  backfill:\n    orders: 7d\n", "blazed.yaml:3: key 'sync.backfill.orders': at least 30d"},
      {"retention:\n  raw_payloads: 31d\n", "blazed.yaml:2: key 'retention.raw_payloads': at most 30d"},
      {"retention:\n  raw_payloads: 721h\n", "blazed.yaml:2: key 'retention.raw_payloads': at most 30d"},
      {"retention:\n  raw_payloads: 0s\n", "key 'retention.raw_payloads': expected a duration greater than 0"},
      {"retention:\n  holidays: [2026-12-25, 2026-02-30]\n", "blazed.yaml:2: key 'retention.holidays[1]': expected a date"},
      {"retention:\n  holidays: 2026-12-25\n", "key 'retention.holidays': expected a list of dates"},
      // Audit events are kept at least 365 days: a shorter retention is refused, naming key and line.
      {"retention:\n  raw_payloads: 30d\n  audit: 364d\n", "blazed.yaml:3: key 'retention.audit': at least 365d"},
      {"retention:\n  audit: 8759h\n", "blazed.yaml:2: key 'retention.audit': at least 365d"},
      // A webhook the web app could not verify is never configured.
      {"webhooks:\n  url: ftp://app.example/hook\n", "blazed.yaml:2: key 'webhooks.url': expected an https:// URL"},
      {"webhooks:\n  url: https://app.example/hook\n", "blazed.yaml:2: key 'webhooks.url': needs webhooks.secret"},
      {"webhooks:\n  url: http://app.example/hook\n  secret: env:HOOK\n",
       "blazed.yaml:2: key 'webhooks.url': http:// sends notices unencrypted"},
      {"webhooks:\n  url: https://app.example/hook\n  secret: hunter2\n",
       "blazed.yaml:3: key 'webhooks.secret': expected a secret reference"},
      // Redis TLS files: readable, for a rediss:// URL only, certificate and key together.
      {"redis:\n  url: rediss://r.example:6380/0\n  tls_ca_file: /nonexistent/ca.pem\n",
       "blazed.yaml:3: key 'redis.tls_ca_file': cannot read /nonexistent/ca.pem"},
      {"redis:\n  url: redis://r.example:6379/0\n  tls_ca_file: /dev/null\n",
       "blazed.yaml:3: key 'redis.tls_ca_file': needs a rediss://"},
      {"redis:\n  url: rediss://r.example:6380/0\n  tls_cert_file: /dev/null\n",
       "blazed.yaml:3: key 'redis.tls_cert_file': needs redis.tls_cert_file and redis.tls_key_file together"},
      {"redis:\n  url: redis+sentinel://s1:26379/m\n  tls_key_file: /dev/null\n",
       "blazed.yaml:3: key 'redis.tls_key_file': needs a rediss://"},
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

TEST_CASE("an env: secret is taken out of the environment once read, and still resolves", "[unit]") {
  ::setenv("BLAZED_TEST_TAKEN_SECRET", "env-canary-taken-9f3", 1);
  const auto ref = parse_secret_ref("env:BLAZED_TEST_TAKEN_SECRET").value();
  CHECK(resolve_secret(ref).value().reveal() == "env-canary-taken-9f3");
  CHECK(std::getenv("BLAZED_TEST_TAKEN_SECRET") == nullptr);
  std::ifstream environ_file("/proc/self/environ", std::ios::binary);
  std::stringstream all;
  all << environ_file.rdbuf();
  CHECK(all.str().find("env-canary-taken-9f3") == std::string::npos);
  // Reloads and later backups resolve the same reference again.
  CHECK(resolve_secret(ref).value().reveal() == "env-canary-taken-9f3");
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

TEST_CASE("sections that are absent keep their defaults", "[unit]") {
  auto c = parse_config("redis:\n  url: redis://h:1\n", "x.yaml").value();
  CHECK(c.queue.queues == (std::vector<std::string>{"default", "sync", "backfill"}));
  CHECK(c.sync_backfill.orders == std::chrono::hours(24 * 30));
  CHECK(c.sync_backfill.transactions == std::chrono::hours(24 * 30));
  CHECK(c.queue.concurrency == 16);
  CHECK(c.queue.forward_interval == std::chrono::milliseconds(500));
  CHECK(c.keyring.dir == "/etc/blazed/keys");
  CHECK(c.keyring.active_key.empty());
  CHECK_FALSE(c.credential_ages.lwa_client_secret_created.has_value());
  CHECK(c.credential_ages.max_key_age == std::chrono::hours(24 * 90));
  // Written but empty (as the example ships it): still unknown, not an error.
  for (const char* empty : {"\"\"", "''", "~", ""}) {
    CAPTURE(empty);
    auto given = parse_config(std::string("credential_ages:\n  lwa_client_secret_created: ") + empty + "\n", "x.yaml");
    REQUIRE(given.has_value());
    CHECK_FALSE(given->credential_ages.lwa_client_secret_created.has_value());
  }
  CHECK(c.scheduler.schedules.empty());
  CHECK(c.scheduler.fence_ttl == std::chrono::seconds(60));
  CHECK(c.sync_cadence.interval == std::chrono::hours(1));
  CHECK(c.rate_limit.plans.empty());
  CHECK(c.rate_limit.slow_down_factor == 0.5);
  CHECK(c.spapi.endpoint_eu == "https://sellingpartnerapi-eu.amazon.com");
  CHECK_FALSE(c.spapi.client_secret.has_value());
  CHECK(c.spapi.included_data == std::vector<std::string>{"PROCEEDS", "FULFILLMENT"});
  CHECK(c.spapi.user_agent_version == BLAZED_VERSION);
}

TEST_CASE("the new sections are read", "[unit]") {
  auto c = parse_config(R"(
queue:
  queues: [default, sync]
  concurrency: 4
  lease: 1m
keyring:
  from_credentials: yes
  active_key: k1
credential_ages:
  lwa_client_secret_created: 2024-02-29
  lwa_client_secret_max_age: 170d
scheduler:
  max_sleep: 5s
sync:
  interval: 30m
  jitter: 0
rate_limit:
  slow_down_factor: 1
  min_rate: 2.5e-3
spapi:
  client_id: amzn1.app
  client_secret: credential:lwa
  max_results_per_page: 50
  included_data: [PROCEEDS]
)",
                        "x.yaml")
               .value();
  CHECK(c.queue.queues == std::vector<std::string>{"default", "sync"});
  CHECK(c.queue.concurrency == 4);
  CHECK(c.queue.lease == std::chrono::minutes(1));
  CHECK(c.keyring.from_credentials);
  CHECK(c.keyring.active_key == "k1");
  using namespace std::chrono;
  CHECK(c.credential_ages.lwa_client_secret_created == sys_days{year{2024} / February / 29});
  CHECK(c.credential_ages.lwa_client_secret_max_age == hours(24 * 170));
  CHECK(c.scheduler.max_sleep == seconds(5));
  CHECK(c.sync_cadence.interval == minutes(30));
  CHECK(c.sync_cadence.jitter == milliseconds(0));
  CHECK(c.rate_limit.slow_down_factor == 1.0);
  CHECK(c.rate_limit.min_rate == 0.0025);
  CHECK(c.spapi.client_id == "amzn1.app");
  CHECK(c.spapi.client_secret == SecretRef{SecretRef::Kind::credential, "lwa"});
  CHECK(c.spapi.max_results_per_page == 50);
  CHECK(c.spapi.included_data == std::vector<std::string>{"PROCEEDS"});
}

TEST_CASE("schedules are read, payload mappings become JSON text", "[unit]") {
  auto c = parse_config(R"(
schedules:
  - name: rotate
    cron: "30 3 * * *"
    zone: Europe/Berlin
    job: key_rotation
    group: keys
    payload: {batch: 500, dry_run: false, note: "007", ratio: 0.5, none: ~, ids: [1, 2], nested: {a: x}}
  - name: hourly
    cron: "@every 1h"
    job: purge_pii
)",
                        "x.yaml")
               .value();
  const auto& s = c.scheduler.schedules;
  REQUIRE(s.size() == 2);
  CHECK(s[0].name == "rotate");
  CHECK(s[0].cron == "30 3 * * *");
  CHECK(s[0].zone == "Europe/Berlin");
  CHECK(s[0].job == "key_rotation");
  CHECK(s[0].queue == "default");
  CHECK(s[0].group == "keys");
  // Boost.JSON serializes object members in insertion order.
  CHECK(s[0].payload ==
        R"({"batch":500,"dry_run":false,"note":"007","ratio":5E-1,"none":null,"ids":[1,2],"nested":{"a":"x"}})");
  CHECK(s[1].payload == "{}");
  CHECK(s[1].zone.empty());
}

TEST_CASE("rate limit plans are read", "[unit]") {
  auto c = parse_config(
      "rate_limit:\n  plans:\n    - {operation: getOrder, rate: 0.5, burst: 30}\n"
      "    - operation: custom\n      rate: 1000\n      burst: 1\n",
      "x.yaml")
                .value();
  REQUIRE(c.rate_limit.plans.size() == 2);
  CHECK(c.rate_limit.plans[0].operation == "getOrder");
  CHECK(c.rate_limit.plans[0].rate == 0.5);
  CHECK(c.rate_limit.plans[0].burst == 30);
  CHECK(c.rate_limit.plans[1].operation == "custom");
  CHECK(c.rate_limit.plans[1].rate == 1000.0);
}

TEST_CASE("the LWA client secret written into the YAML is not echoed", "[unit]") {
  auto msg = error_of("spapi:\n  client_secret: amzn1.oa2-cs.v1.canary\n");
  CHECK_THAT(msg, Catch::Contains("blazed.yaml:2: key 'spapi.client_secret': expected a secret reference"));
  CHECK_THAT(msg, !Catch::Contains("canary"));
}

TEST_CASE("list keys are compared whole: a changed schedule list or zoneinfo dir is seen", "[unit]") {
  auto a = parse_config("schedules: []\n", "a").value();
  auto b = parse_config("schedules:\n  - {name: n, cron: '@daily', job: j}\n", "b").value();
  CHECK(restart_only_changes(a, b).empty());  // schedules reload (docs/scheduling.md)
  auto c = parse_config("schedules:\n  - {name: n, cron: '@daily', job: j}\nrate_limit:\n  plans:\n"
                        "    - {operation: getOrder, rate: 0.5, burst: 30}\n", "c").value();
  CHECK(restart_only_changes(b, c) == std::vector<std::string>{"rate_limit.plans"});
}
