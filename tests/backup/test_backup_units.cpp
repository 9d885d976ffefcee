// Owns the unit tests of the backup duty's pure parts: the retention plan (by the manifests'
// times, anchored at the newest good backup, keep_min, a target missing the newest backup,
// orphans, abandoned multipart uploads), backup ids and object keys, the manifest's JSON form,
// and the region compliance lines and their gauge.
#include "harness/catch_result.hpp"
#include "jobs/backup/manifest.hpp"
#include "jobs/backup/retention.hpp"
#include "jobs/backup/backup_metrics.hpp"
#include "jobs/backup/targets.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace blazed;
namespace bk = blazed::jobs::backup;

namespace {

const Clock::time_point kNow = std::chrono::sys_days{std::chrono::year{2026} / 12 / 3} + std::chrono::hours(5);

std::string id_days_ago(int days) { return bk::make_backup_id(kNow - std::chrono::days(days), 0x1234abcdu + days); }

bk::TargetEntry good_entry(int days_ago) {
  bk::TargetEntry e;
  e.has_object = e.has_manifest = true;
  e.finished_at = kNow - std::chrono::days(days_ago);
  e.object_written = kNow;  // uploaded "now": the plan must not go by listing times
  return e;
}

// Daily backups `from`..`to` days ago on every target named.
bk::Holdings daily(int from, int to, const std::vector<std::string>& targets = {"eu"}) {
  bk::Holdings h;
  for (const auto& t : targets) {
    h[t];
    for (int d = from; d <= to; ++d) h[t][id_days_ago(d)] = good_entry(d);
  }
  return h;
}

std::vector<std::string> ids(std::vector<int> days) {
  std::vector<std::string> out;
  for (int d : days) out.push_back(id_days_ago(d));
  std::ranges::sort(out);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::ranges::sort(v);
  return v;
}

}  // namespace

TEST_CASE("retention deletes backups past the window by their manifests' times", "[unit]") {
  bk::RetentionPolicy policy;  // 30 days, keep_min 3
  auto plan = bk::plan_prune(daily(0, 34), kNow, policy);
  CHECK(sorted(plan.expired["eu"]) == ids({31, 32, 33, 34}));
  CHECK(plan.orphans.empty());
  CHECK(plan.good.front() == id_days_ago(0));

  bk::Holdings two;
  two["eu"][id_days_ago(35)] = good_entry(35);
  two["eu"][id_days_ago(25)] = good_entry(25);
  policy.keep_min = 1;
  plan = bk::plan_prune(two, kNow, policy);
  CHECK(plan.expired.empty());  // the newest good one is 25 days old: the window starts there
  two["eu"][id_days_ago(0)] = good_entry(0);
  plan = bk::plan_prune(two, kNow, policy);
  CHECK(plan.expired["eu"] == ids({35}));
}

TEST_CASE("retention deletes nothing when backups stopped: the window follows the newest good one", "[unit]") {
  auto plan = bk::plan_prune(daily(40, 69), kNow, bk::RetentionPolicy{});
  CHECK(plan.expired.empty());
  plan = bk::plan_prune(daily(40, 75), kNow, bk::RetentionPolicy{});
  CHECK(sorted(plan.expired["eu"]) == ids({71, 72, 73, 74, 75}));
}

TEST_CASE("retention keeps the newest keep_min good backups whatever their age", "[unit]") {
  bk::RetentionPolicy policy;
  policy.keep_for = std::chrono::days(1);
  policy.keep_min = 3;
  auto plan = bk::plan_prune(daily(0, 4), kNow, policy);
  CHECK(sorted(plan.expired["eu"]) == ids({3, 4}));
}

TEST_CASE("a backup missing on one target is not good; the window follows the newest good one", "[unit]") {
  auto h = daily(0, 40, {"eu", "ap"});
  h["ap"].erase(id_days_ago(0));
  auto plan = bk::plan_prune(h, kNow, bk::RetentionPolicy{});
  REQUIRE(plan.good.front() == id_days_ago(1));
  CHECK(sorted(plan.expired["eu"]) == ids({32, 33, 34, 35, 36, 37, 38, 39, 40}));
  CHECK(sorted(plan.expired["ap"]) == ids({32, 33, 34, 35, 36, 37, 38, 39, 40}));
  // The newest one stays where it is (a later run completes the set).
  for (const auto& [t, gone] : plan.expired) CHECK(std::ranges::find(gone, id_days_ago(0)) == gone.end());
}

TEST_CASE("objects without a manifest are removed after a day; with no good backup nothing expires", "[unit]") {
  bk::Holdings h;
  bk::TargetEntry orphan;
  orphan.has_object = true;
  orphan.object_written = kNow - std::chrono::hours(30);
  bk::TargetEntry fresh = orphan;
  fresh.object_written = kNow - std::chrono::hours(2);
  h["eu"]["20261201T000000Z-00000001"] = orphan;
  h["eu"]["20261203T030000Z-00000002"] = fresh;
  bk::TargetEntry old_partial = good_entry(90);
  old_partial.has_object = false;  // a manifest without its object: never good
  h["eu"][id_days_ago(90)] = old_partial;
  auto plan = bk::plan_prune(h, kNow, bk::RetentionPolicy{});
  CHECK(plan.orphans["eu"] == std::vector<std::string>{"20261201T000000Z-00000001"});
  CHECK(plan.expired.empty());
  CHECK(plan.good.empty());
}

TEST_CASE("backup ids and object keys", "[unit]") {
  const std::string id = bk::make_backup_id(kNow, 0xdeadbeef);
  CHECK(id == "20261203T050000Z-deadbeef");
  CHECK(bk::valid_backup_id(id));
  CHECK_FALSE(bk::valid_backup_id("20261203T050000Z-DEADBEEF"));
  CHECK_FALSE(bk::valid_backup_id("../../etc/passwd"));
  CHECK(bk::object_key("p/", id) == "p/" + id + ".bkp");
  auto parsed = bk::parse_key("p/", bk::manifest_key("p/", id));
  REQUIRE(parsed);
  CHECK(parsed->backup_id == id);
  CHECK(parsed->kind == bk::KeyKind::manifest);
  CHECK_FALSE(bk::parse_key("p/", "p/" + id + ".bkp.tmp"));
  CHECK_FALSE(bk::parse_key("p/", "q/" + id + ".bkp"));
}

TEST_CASE("a manifest survives its JSON form; a broken one is refused", "[unit]") {
  bk::Manifest m;
  m.backup_id = bk::make_backup_id(kNow, 7);
  m.key_id = "k2026a";
  m.dump_bytes = 1ull << 33;
  m.compressed_bytes = 12345;
  m.object_bytes = 12999;
  m.object_sha256 = std::string(64, 'a');
  m.pg_server_version = "15.18";
  m.pg_dump_version = "pg_dump (PostgreSQL) 15.18";
  m.instance_id = "host:1";
  m.started_at = kNow;
  m.finished_at = kNow + std::chrono::minutes(3);
  m.tables = {{"public", "orders", 42}, {"shop", "x", -1}};
  auto back = bk::manifest_from_json(bk::manifest_to_json(m));
  REQUIRE(back);
  CHECK(back->backup_id == m.backup_id);
  CHECK(back->dump_bytes == m.dump_bytes);
  CHECK(back->finished_at == m.finished_at);
  CHECK(back->tables.size() == 2);
  CHECK(back->tables[1].rows == -1);
  CHECK(bk::manifest_from_json("{}").error().code == "backup_bad_manifest");
  CHECK(bk::manifest_from_json("not json").error().code == "backup_bad_manifest");
}

TEST_CASE("multipart uploads begun more than a day ago are abandoned; younger or unreadable ones stay", "[unit]") {
  const std::vector<bk::PendingUpload> uploads{
      {"db/old.bkp", "u1", kNow - std::chrono::hours(25)},
      {"db/running.bkp", "u2", kNow - std::chrono::hours(23)},
      {"db/unknown.bkp", "u3", std::nullopt},
      {"db/ancient.bkp", "u4", bk::parse_listed_utc("2026-11-01T03:00:00.000Z")},
  };
  const auto abandoned = bk::abandoned_uploads(uploads, kNow, bk::RetentionPolicy{});
  REQUIRE(abandoned.size() == 2);
  CHECK(abandoned[0].upload_id == "u1");
  CHECK(abandoned[1].upload_id == "u4");
  CHECK_FALSE(bk::parse_listed_utc("2026-11"));
}

TEST_CASE("region compliance: a target in the primary region fails its line", "[unit]") {
  config::BackupConfig c;
  c.primary_region = "us-east-1";
  config::BackupTargetConfig eu;
  eu.name = "eu";
  eu.region = "eu-central-1";
  config::BackupTargetConfig home = eu;
  home.name = "home";
  home.region = "us-east-1";
  c.targets = {eu, home};
  auto lines = bk::region_checks(c);
  REQUIRE(lines.size() == 2);
  CHECK((lines[0].off_site && lines[0].ok));
  CHECK((!lines[1].off_site && !lines[1].ok));
  CHECK(bk::same_region_targets(c) == std::vector<std::string>{"home"});
  metrics::Registry registry;
  bk::BackupMetrics(registry).record_regions(lines);
  const std::string exposed = registry.expose();
  CHECK(exposed.find("blazed_backup_target_off_site{target=\"eu\"} 1") != std::string::npos);
  CHECK(exposed.find("blazed_backup_target_off_site{target=\"home\"} 0") != std::string::npos);
  c.primary_region.clear();  // off-site cannot be shown: no line is ok
  lines = bk::region_checks(c);
  CHECK((lines[0].off_site && !lines[0].ok));
}
