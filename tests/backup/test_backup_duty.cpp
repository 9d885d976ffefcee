// Owns the tests of the backup duty's S3-side runs: retention on s3rver with backdated manifests
// (35/25 days, backups stopped 40 days ago, a target missing the newest one, orphans backdated
// with their files' mtime), refused credentials deleting nothing; S3 faults during a backup (a
// failed part, a 503 storm, a stalled answer) leaving no manifest and the next run good; abandoned
// multipart uploads aborted by prune (a scripted server; s3rver cannot list uploads); and the
// restore drill.
#include "backup/backup_fixture.hpp"
#include "harness/catch_result.hpp"
#include "jobs/backup/drill.hpp"
#include "jobs/backup/inventory.hpp"
#include "jobs/backup/prune.hpp"
#include "s3/fault_server.hpp"

#include <filesystem>

using namespace blazed;
using namespace blazed::testing;
namespace bk = blazed::jobs::backup;

namespace {

const Clock::time_point kNow = std::chrono::time_point_cast<std::chrono::seconds>(SystemClock::instance().now());

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// A backup `days_ago` old on `target`: an object and (unless told) a manifest with that time.
std::string plant(BackupWorld& w, bk::Target& t, int days_ago, bool manifest = true, int serial = 0) {
  const auto at = kNow - std::chrono::days(days_ago);
  const std::string id = bk::make_backup_id(at, 0x100u + static_cast<std::uint32_t>(serial));
  REQUIRE_OK(run_coro(w.io, t.client->put_object(bk::object_key(t.config.prefix, id), bytes_of("object"))));
  if (manifest) {
    bk::Manifest m;
    m.backup_id = id;
    m.key_id = "k1";
    m.started_at = at - std::chrono::minutes(5);
    m.finished_at = at;
    REQUIRE_OK(run_coro(w.io, t.client->put_object(bk::manifest_key(t.config.prefix, id), bytes_of(bk::manifest_to_json(m)))));
  }
  return id;
}

std::vector<std::string> ids_on(BackupWorld& w, bk::Target& t) {
  std::vector<std::string> out;
  auto inv = run_coro(w.io, bk::take_inventory(w.targets));
  REQUIRE_OK(inv);
  for (const auto& [id, e] : inv->holdings.at(t.config.name))
    if (e.has_object || e.has_manifest) out.push_back(id);
  return out;
}

Result<bk::PruneReport> prune(BackupWorld& w, int keep_min = 3) {
  bk::RetentionPolicy policy;
  policy.keep_min = keep_min;
  return run_coro(w.io, bk::prune_targets(w.targets, SystemClock::instance().now(), policy));
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("prune deletes by the manifests' times, keeps recent ones and removes old orphans", "[s3][pg]") {
  BackupWorld w(1);
  auto& a = w.targets[0];
  const auto today = plant(w, a, 0);
  const auto d25 = plant(w, a, 25);
  const auto d35 = plant(w, a, 35);
  const auto old_orphan = plant(w, a, 2, false, 1);
  const auto new_orphan = plant(w, a, 0, false, 2);
  // Orphans go by their object's age; every object here was just written.
  std::filesystem::last_write_time(w.s3.object_file(bk::object_key("a/", old_orphan)),
                                   std::filesystem::file_time_type::clock::now() - std::chrono::hours(30));
  auto report = prune(w, 1);
  REQUIRE_OK(report);
  CHECK(report->expired_deleted == 1);
  CHECK(report->orphans_deleted == 1);
  const auto left = ids_on(w, a);
  CHECK(contains(left, today));
  CHECK(contains(left, d25));
  CHECK_FALSE(contains(left, d35));
  CHECK_FALSE(contains(left, old_orphan));
  CHECK(contains(left, new_orphan));
}

TEST_CASE("prune deletes nothing when backups stopped 40 days ago", "[s3][pg]") {
  BackupWorld w(1);
  std::vector<std::string> planted;
  for (int d = 40; d <= 60; d += 4) planted.push_back(plant(w, w.targets[0], d));
  auto report = prune(w);
  REQUIRE_OK(report);
  CHECK(report->expired_deleted == 0);
  CHECK(ids_on(w, w.targets[0]).size() == planted.size());
}

TEST_CASE("prune with a target missing the newest backup goes by the newest good one", "[s3][pg]") {
  BackupWorld w(1, {"a/", "b/"});
  auto& a = w.targets[0];
  auto& b = w.targets[1];
  const auto newest = plant(w, a, 0);  // on a only: not good
  const auto d20 = plant(w, a, 20);
  REQUIRE(plant(w, b, 20) == d20);
  const auto d45 = plant(w, a, 45);
  REQUIRE(plant(w, b, 45) == d45);
  const auto d55 = plant(w, a, 55);
  REQUIRE(plant(w, b, 55) == d55);
  auto report = prune(w, 1);
  REQUIRE_OK(report);
  REQUIRE(report->plan.good.front() == d20);
  // The window starts at d20: d45 (25 days before it) stays, d55 goes on both.
  CHECK(contains(ids_on(w, a), newest));
  CHECK(contains(ids_on(w, a), d45));
  CHECK_FALSE(contains(ids_on(w, a), d55));
  CHECK_FALSE(contains(ids_on(w, b), d55));
}

TEST_CASE("refused credentials or a missing bucket fail prune with their code and delete nothing", "[s3][pg]") {
  BackupWorld w(1);
  plant(w, w.targets[0], 0);
  const auto old = plant(w, w.targets[0], 90);
  SECTION("credentials refused") {
    w.add_refused_target("refused", "a/");
    REQUIRE_ERR(prune(w, 1), "s3_access_denied");
  }
  SECTION("missing bucket") {
    w.add_target("z/", "no-such-bucket");
    REQUIRE_ERR(prune(w, 1), "s3_no_such_bucket");
  }
  w.targets.resize(1);
  CHECK(contains(ids_on(w, w.targets[0]), old));
}

TEST_CASE("prune aborts multipart uploads begun more than a day ago, across listing pages", "[s3][pg]") {
  BackupWorld w(1);
  FaultServer server(w.io);
  const auto initiated = [](std::chrono::hours ago) { return bk::format_utc(kNow - ago); };
  const std::string page1 =
      "<ListMultipartUploadsResult><IsTruncated>true</IsTruncated><NextKeyMarker>f/b.bkp</NextKeyMarker>"
      "<NextUploadIdMarker>recent</NextUploadIdMarker>"
      "<Upload><Key>f/a.bkp</Key><UploadId>stale-1</UploadId><Initiated>" + initiated(std::chrono::hours(30)) +
      "</Initiated></Upload><Upload><Key>f/b.bkp</Key><UploadId>recent</UploadId><Initiated>" +
      initiated(std::chrono::hours(2)) + "</Initiated></Upload></ListMultipartUploadsResult>";
  const std::string page2 =
      "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload><Key>f/c.bkp</Key>"
      "<UploadId>stale-2</UploadId><Initiated>" + initiated(std::chrono::hours(24 * 9)) +
      "</Initiated></Upload></ListMultipartUploadsResult>";
  int listings = 0;
  server.fallback = [&](const RecordedRequest& r) {
    if (r.method == "GET" && r.target.find("list-type=2") != std::string::npos)
      return FaultStep::ok("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
    if (r.method == "GET" && r.target.find("uploads") != std::string::npos)
      return FaultStep::ok(++listings == 1 ? page1 : page2);
    if (r.method == "DELETE") return FaultStep{FaultStep::respond, 204, {}, {}};
    return FaultStep::s3_error(400, "Unexpected");
  };
  w.targets.clear();
  w.add_target("f/", "scripted", test_options(server.endpoint(), "scripted"));
  auto report = prune(w);
  REQUIRE_OK(report);
  CHECK(report->uploads_aborted == 2);
  CHECK(report->uploads_failed == 0);
  CHECK(report->uploads_unlisted.empty());
  std::vector<std::string> aborted;
  bool second_page_asked = false;
  for (const auto& r : server.requests()) {
    if (r.method == "DELETE") aborted.push_back(r.target);
    second_page_asked = second_page_asked || (r.target.find("key-marker=f%2Fb.bkp") != std::string::npos &&
                                              r.target.find("upload-id-marker=recent") != std::string::npos);
  }
  CHECK(second_page_asked);
  REQUIRE(aborted.size() == 2);
  CHECK(aborted[0].find("/scripted/f/a.bkp?uploadId=stale-1") != std::string::npos);
  CHECK(aborted[1].find("/scripted/f/c.bkp?uploadId=stale-2") != std::string::npos);
}

TEST_CASE("on s3rver, which cannot list multipart uploads, prune says so and still prunes", "[s3][pg]") {
  BackupWorld w(1);
  plant(w, w.targets[0], 0);
  const auto attempts_before = w.targets[0].client->attempts();
  auto listed = run_coro(w.io, w.targets[0].client->list_multipart_uploads("a/"));
  REQUIRE_ERR(listed, "s3_not_implemented");
  CHECK(w.targets[0].client->attempts() == attempts_before + 1);  // not retried
  auto report = prune(w);
  REQUIRE_OK(report);
  CHECK(report->uploads_unlisted == std::vector<std::string>{"a"});
  CHECK(report->uploads_aborted == 0);
  CHECK(report->plan.good.size() == 1);
}

TEST_CASE("S3 faults during a backup leave no manifest and no good backup; the next run is good", "[s3][pg]") {
  BackupWorld w(2000);
  FaultServer faults(w.io);
  auto o = test_options(faults.endpoint(), "faulty");
  o.transport.stall_timeout = std::chrono::milliseconds(300);
  const auto is_part = [](const RecordedRequest& r) { return r.method == "PUT" && r.target.find("partNumber=") != std::string::npos; };
  const auto plausible = faults.fallback;  // the server's own S3-like answers
  bool faulty = false;
  SECTION("a part that keeps failing") {
    faults.fallback = [&](const RecordedRequest& r) {
      return is_part(r) ? FaultStep::s3_error(500, "InternalError") : plausible(r);
    };
    faulty = true;
    SUCCEED("fault scripted");
  }
  SECTION("a 503 storm") {
    faults.fallback = [&](const RecordedRequest& r) {
      return is_part(r) ? FaultStep::s3_error(503, "SlowDown") : plausible(r);
    };
    faulty = true;
    SUCCEED("fault scripted");
  }
  SECTION("a stalled answer") {
    faults.fallback = [&](const RecordedRequest& r) { return is_part(r) ? FaultStep::stalled() : plausible(r); };
    faulty = true;
    SUCCEED("fault scripted");
  }
  if (!faulty) return;
  w.add_target("f/", "faulty", o);
  auto failed = w.backup();
  REQUIRE_FALSE(failed.has_value());
  INFO(failed.error().code << ": " << failed.error().message);
  CHECK(failed.error().code.starts_with("s3_"));
  CHECK(failed.error().message.find("target 'f'") != std::string::npos);
  // Nothing that looks like a manifest was sent to either target, and the uploads were aborted.
  bool manifest_sent = false;
  bool aborted = false;
  for (const auto& r : faults.requests()) {
    manifest_sent = manifest_sent || r.target.find(".manifest.json") != std::string::npos;
    aborted = aborted || (r.method == "DELETE" && r.target.find("uploadId=") != std::string::npos);
  }
  CHECK_FALSE(manifest_sent);
  CHECK(aborted);
  w.targets.pop_back();
  auto inv = run_coro(w.io, bk::take_inventory(w.targets));
  REQUIRE_OK(inv);
  CHECK(inv->manifests.empty());
  CHECK(inv->good.empty());

  REQUIRE_OK(w.backup());
  inv = run_coro(w.io, bk::take_inventory(w.targets));
  REQUIRE_OK(inv);
  CHECK(inv->good.size() == 1);
}

TEST_CASE("a restore drill restores the newest good backup into a scratch database, checks and drops it", "[s3][pg]") {
  BackupWorld w(2500);
  auto done = w.backup();
  REQUIRE_OK(done);
  bk::DrillSettings s{w.source.dsn(), Secret{}, "pg_restore"};
  auto drilled = run_coro(w.io, bk::run_drill(*w.pool, s, w.targets[0], done->manifest, *w.keyring));
  REQUIRE_OK(drilled);
  CHECK(drilled->tables_checked == static_cast<int>(done->manifest.tables.size()));
  CHECK(drilled->tables_checked >= 3);
  auto left = w.source.exec("SELECT count(*) FROM pg_database WHERE datname = '" + drilled->scratch_database + "'");
  CHECK(*left[0][0] == "0");
}

TEST_CASE("with_dbname points keyword and URI DSNs at another database", "[unit]") {
  CHECK(bk::with_dbname("host=127.0.0.1 dbname=blazed", "x") == "host=127.0.0.1 dbname=blazed dbname=x");
  CHECK(bk::with_dbname("postgresql://u@h:5432/blazed?sslmode=require", "x") == "postgresql://u@h:5432/x?sslmode=require");
  CHECK(bk::with_dbname("postgresql://u@h", "x") == "postgresql://u@h/x");
}
