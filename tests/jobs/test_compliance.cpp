// Tests the compliance report: the judgement of each line (unit), the redaction self-test against
// the daemon's own log formatting and against one without redaction, and compliance.report with
// `blazectl compliance report` on real PostgreSQL and Redis: a passing section, then a raw payload
// past 30 days that fails it (exit 5).
#include "core/errc.hpp"
#include "harness/catch_result.hpp"
#include "jobs/backup/manifest.hpp"
#include "jobs/compliance/compliance_commands.hpp"
#include "jobs/compliance/evaluate.hpp"
#include "jobs/compliance/redaction_self_test.hpp"
#include "jobs/ctl_server.hpp"
#include "jobs/deletion/deletion_commands.hpp"
#include "jobs/incidents/incident_commands.hpp"
#include "jobs/job_world.hpp"
#include "jobs/keys/keys_commands.hpp"

#include <boost/json/parse.hpp>
#include <algorithm>
#include <functional>
#include <catch2/catch.hpp>

using namespace blazed;
using namespace blazed::testing;
using namespace blazed::jobs::compliance;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const Clock::time_point kNow = Clock::time_point{std::chrono::seconds{1'700'000'000}};

Policy test_policy() {
  Policy p;
  p.raw_payload_max_age = std::chrono::days(30);
  p.audit_retention = std::chrono::days(400);
  p.backup_configured = true;
  return p;
}

// Evidence of every section that passes: keys young, nothing legacy, a fresh off-site backup, a
// recent drill within the RTO, no raw payload, no deletion, no incident, redaction working.
Evidence passing() {
  Evidence e;
  e.now = kNow;
  e.keys = json::parse(R"({"keys":[{"id":"k1","known":true,"age_days":10,"max_age_days":90,"over_policy":false,
      "active":true}],"lwa_client_secret":{"known":true,"age_days":20,"max_age_days":180,"over_policy":false},
      "legacy_rows":{"seller_tokens":0},"rows_to_rotate":{"seller_tokens":0},"missing_keys":[]})");
  e.deletions = json::parse(R"({"pending":1,"overdue":0,"deletions":[]})");
  e.incidents = json::parse(R"({"open":0,"incidents":[]})");
  e.oldest_raw_payload = std::optional<Clock::time_point>(kNow - std::chrono::days(29));
  e.backups = BackupEvidence{{{"eu", "eu-west-1", true, true}}, "b1", kNow - 3h};
  e.drill = std::optional<jobs::backup::DrillRow>(jobs::backup::DrillRow{kNow - std::chrono::days(20), true, {}, 40min});
  e.redaction = SelfTestResult{kNow, true, "ok"};
  return e;
}

const Line& line(const std::vector<Line>& lines, const std::string& check) {
  for (const auto& l : lines)
    if (l.check == check) return l;
  FAIL("no line " << check);
  return lines.front();
}

}  // namespace

TEST_CASE("compliance: a passing state passes every line; each broken promise fails its line", "[unit]") {
  const Policy p = test_policy();
  const auto all = evaluate(passing(), p);
  for (const auto& l : all) {
    INFO(l.check << ": " << l.detail);
    CHECK(l.status == Verdict::pass);
  }
  CHECK(report_json(all).at("compliant").as_bool());
  for (const auto& s : sections()) {
    INFO(s);
    CHECK(std::any_of(all.begin(), all.end(), [&](const Line& l) { return l.section == s; }));
  }

  struct Case {
    const char* name;
    std::function<void(Evidence&)> change;
    const char* check;
    Verdict expect;
  };
  const std::vector<Case> cases{
      {"raw payload past 30 days",
       [](Evidence& e) { e.oldest_raw_payload = std::optional<Clock::time_point>(kNow - std::chrono::days(31)); },
       "oldest raw payload", Verdict::fail},
      {"overdue deletion", [](Evidence& e) { e.deletions = json::parse(R"({"pending":1,"overdue":1})"); },
       "account deletions", Verdict::fail},
      {"key over policy",
       [](Evidence& e) { (**e.keys).as_object()["keys"].as_array()[0].as_object()["over_policy"] = true; },
       "key k1 age", Verdict::fail},
      {"LWA secret age unknown",
       [](Evidence& e) { (**e.keys).as_object()["lwa_client_secret"].as_object()["known"] = false; },
       "LWA client secret age", Verdict::warn},
      {"legacy rows left",
       [](Evidence& e) { (**e.keys).as_object()["legacy_rows"].as_object()["seller_tokens"] = 3; },
       "legacy AES-CBC rows left", Verdict::warn},
      {"backup older than 26 h",
       [](Evidence& e) { (**e.backups).newest_good_finished = kNow - 27h; },
       "newest good backup on eu (eu-west-1)", Verdict::fail},
      {"no good backup", [](Evidence& e) { (**e.backups).newest_good_finished.reset(); },
       "newest good backup on eu (eu-west-1)", Verdict::fail},
      {"target in the server's region", [](Evidence& e) { (**e.backups).regions[0].off_site = false; },
       "target eu off-site", Verdict::fail},
      {"backups unreadable",
       [](Evidence& e) { e.backups = Result<BackupEvidence>(make_error(blazed::errc::timeout, "s3")); }, "backups",
       Verdict::fail},
      {"drill longer than the RTO", [](Evidence& e) { (**e.drill)->duration = 5h; }, "restore drill duration",
       Verdict::fail},
      {"drill failed", [](Evidence& e) { (**e.drill)->success = false; }, "last restore drill", Verdict::fail},
      {"never drilled", [](Evidence& e) { e.drill = std::optional<jobs::backup::DrillRow>{}; }, "last restore drill",
       Verdict::fail},
      {"drill older than a quarter",
       [](Evidence& e) { (**e.drill)->finished_at = kNow - std::chrono::days(120); }, "last restore drill",
       Verdict::warn},
      {"redaction self-test failed", [](Evidence& e) { e.redaction->passed = false; }, "log redaction self-test",
       Verdict::fail},
      {"incident past its Amazon deadline",
       [](Evidence& e) {
         e.incidents = json::parse(R"({"open":1,"incidents":[{"id":4,"state":"open","amazon_notice":"past",
             "users_notice":"pending","steps":[{"step":"notify_amazon","deadline":{"due":"2023-11-14T00:00:00Z"}}]}]})");
       },
       "incident 4 notice to Amazon (24 h)", Verdict::fail},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    Evidence e = passing();
    c.change(e);
    const auto lines = evaluate(e, p);
    CHECK(line(lines, c.check).status == c.expect);
    CHECK(report_json(lines).at("compliant").as_bool() == (c.expect != Verdict::fail));
  }

  Policy short_audit = p;
  short_audit.audit_retention = std::chrono::days(300);
  CHECK(line(evaluate(passing(), short_audit), "audit trail retention").status == Verdict::fail);
}

TEST_CASE("compliance: the redaction self-test passes through the daemon's log format and fails without redaction",
          "[unit]") {
  ManualClock clock{kNow};
  for (auto format : {log::Format::json, log::Format::text}) {
    log::Settings s;
    s.format = format;
    log::configure(s);
    const auto r = redaction_self_test(clock);
    INFO(r.detail);
    CHECK(r.passed);
    CHECK(r.ran_at == kNow);
  }
  log::configure(log::Settings{});

  // A sink that writes the line as it is: the canaries reach it.
  std::string raw;
  const auto bypass = redaction_self_test(clock, [&](std::string_view m, log::Fields fields) {
    raw = std::string(m);
    for (const auto& f : fields) raw += " " + std::string(std::get<std::string_view>(f.value));
    return raw;
  });
  CHECK_FALSE(bypass.passed);
  CHECK(bypass.detail.find("reached the log line") != std::string::npos);
  CHECK(raw.find("Atzr|") != std::string::npos);  // the canary was there to be caught
  CHECK(bypass.detail.find("Atzr|") == std::string::npos);

  // A mask that keeps part of the value fails too; a line not written fails.
  const auto partial = redaction_self_test(clock, [](std::string_view m, log::Fields) {
    std::string line(m);
    return line.replace(line.find("Atzr|"), 5, "[redacted]");
  });
  CHECK_FALSE(partial.passed);
  CHECK_FALSE(redaction_self_test(clock, [](std::string_view, log::Fields) { return std::string(); }).passed);
}

TEST_CASE("blazectl compliance report: a passing section exits 0; a raw payload past 30 days fails it (exit 5)",
          "[pg][redis][e2e]") {
  JobWorld w{{"k1"}, "k1"};
  control::CommandRegistry registry;
  REQUIRE(jobs::register_keys_commands(registry, *w.ctx));
  REQUIRE(jobs::deletion::register_deletion_commands(registry, *w.ctx));
  REQUIRE(jobs::incidents::register_incident_commands(registry, *w.ctx));
  REQUIRE(register_compliance_commands(registry, *w.ctx));
  CtlServer c(w.io, registry);

  auto ok = c.ctl({"compliance", "report", "--section", "2.1"});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("2.1 data retention\n") == 0);
  CHECK(ok.out.find("pass    oldest raw payload  none stored") != std::string::npos);
  CHECK(ok.out.find("compliant (generated") != std::string::npos);

  // One payload received 31 days ago (by the world's clock), in its day's partition.
  const std::string at = "'" + jobs::backup::format_utc(w.clock.now() - std::chrono::days(31)) + "'::timestamptz";
  w.db.exec("INSERT INTO sellers (region) VALUES ('na')");
  w.db.exec("SELECT raw_payloads_ensure_partition((" + at + " AT TIME ZONE 'UTC')::date)");
  w.db.exec("INSERT INTO raw_payloads (id, seller_id, data_type, received_at, key_id, ciphertext) "
            "SELECT nextval('raw_payloads_id_seq'), (SELECT min(id) FROM sellers), 'orders', " + at +
            ", 'k1', '\\x00'");

  auto bad = c.ctl({"--json", "compliance", "report", "--section", "2.1"});
  INFO(bad.out << bad.err);
  CHECK(bad.exit_code == 5);
  const auto report = json::parse(bad.out);
  CHECK_FALSE(report.at("compliant").as_bool());
  bool seen = false;
  for (const auto& l : report.at("lines").as_array()) {
    if (l.at("check").as_string() != "oldest raw payload") continue;
    seen = true;
    CHECK(l.at("status").as_string() == "fail");
    CHECK(l.at("value").as_string() == "31 days");
  }
  CHECK(seen);
  auto human = c.ctl({"compliance", "report", "--section", "2.1"});
  CHECK(human.exit_code == 5);
  CHECK(human.out.find("FAIL    oldest raw payload  31 days") != std::string::npos);

  // The whole report: every section, and none of the self-test's canaries in it.
  auto full = c.ctl({"--json", "compliance", "report"});
  INFO(full.out << full.err);
  CHECK(full.exit_code == 5);
  const auto whole = json::parse(full.out);
  for (const auto& s : sections()) {
    bool has = false;
    for (const auto& l : whole.at("lines").as_array()) has = has || l.at("section").as_string() == s;
    INFO(s);
    CHECK(has);
  }
  CHECK(full.out.find("Atzr|") == std::string::npos);
  CHECK(full.out.find("amzn1.oa2-cs") == std::string::npos);
  CHECK(full.out.find('@') == std::string::npos);
  CHECK(full.out.find("\"log redaction self-test\",\"status\":\"pass\"") != std::string::npos);
  CHECK(full.out.find("\"last restore drill\",\"status\":\"fail\",\"value\":\"never\"") != std::string::npos);

  // A drill recorded by the backup duty's table: its age and its duration against the RTO.
  const std::string drilled = "'" + jobs::backup::format_utc(w.clock.now() - std::chrono::days(10)) + "'::timestamptz";
  w.db.exec("INSERT INTO backup_runs (kind, backup_id, instance_id, started_at, finished_at, outcome, detail) "
            "VALUES ('drill', 'b1', 'test', " + drilled + ", " + drilled + ", 'success', '{\"duration_ms\": 300000}')");
  auto drill = c.ctl({"--json", "compliance", "report", "--section", "2.7"});
  INFO(drill.out);
  CHECK(drill.out.find("\"last restore drill\",\"status\":\"pass\",\"value\":\"10 days ago\"") != std::string::npos);
  CHECK(drill.out.find("\"restore drill duration\",\"status\":\"pass\",\"value\":\"5 min\"") != std::string::npos);

  CHECK(c.ctl({"compliance", "report", "--section", "9.9"}).exit_code == 1);
  CHECK(c.ctl({"compliance", "report", "extra"}).exit_code == 2);
}
