// Owns the end-to-end test of a daemon SIGKILLed in the middle of a backup's upload: the real
// blazed with backup.targets on s3rver, killed once parts are on the server. Nothing it leaves
// looks like a backup (no manifest, no object), and the job, recovered when its lease runs out,
// runs again on the next daemon and makes the one good backup.
#include "harness/daemon_env.hpp"
#include "harness/daemon_process.hpp"
#include "harness/eventually.hpp"
#include "harness/run_process.hpp"
#include "s3/s3rver.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

using namespace blazed;
using namespace blazed::testing;
namespace fs = std::filesystem;

namespace {

// The lease is short so the killed daemon's job comes back within seconds; a slow zstd level
// keeps the backup running for seconds after its second part, time enough to kill it there.
std::string backup_yaml(const S3rver& s3) {
  return "queue:\n  lease: 3s\n  heartbeat_interval: 500ms\n  recover_interval: 500ms\n"
         "backup:\n  zstd_level: 9\n  primary_region: us-east-1\n  targets:\n"
         "    - name: eu\n      bucket: " + s3.bucket() + "\n      region: eu-central-1\n"
         "      endpoint: " + s3.endpoint() + "\n      credentials: env:BLZKILL\n      addressing: path\n"
         "      prefix: db/\n      allow_plain_http: true\n";
}

// Files s3rver keeps for the bucket whose names end with `suffix`.
std::vector<fs::path> stored(const S3rver& s3, const std::string& suffix) {
  std::vector<fs::path> out;
  const fs::path bucket_dir = s3.object_file("x").parent_path();
  if (!fs::exists(bucket_dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(bucket_dir))
    if (e.is_regular_file() && e.path().string().ends_with(suffix)) out.push_back(e.path());
  return out;
}

bool part_stored(const S3rver& s3, int number) {
  const fs::path uploads = s3.object_file("x").parent_path() / "._S3rver_uploads";
  if (!fs::exists(uploads)) return false;
  for (const auto& e : fs::directory_iterator(uploads))
    if (fs::exists(e.path() / std::to_string(number))) return true;
  return false;
}

std::int64_t count(const PgDatabase& db, const std::string& sql) { return std::stoll(*db.exec(sql)[0][0]); }

}  // namespace

TEST_CASE("a daemon SIGKILLed mid-upload leaves no backup; the job runs again and makes one", "[e2e][s3][pg]") {
  DaemonEnv env;
  S3rver s3;
  // About 24 MiB of incompressible rows: several 5 MiB parts.
  env.db().exec("CREATE TABLE public.bulk (id int PRIMARY KEY, body bytea);"
                "INSERT INTO public.bulk SELECT g, (SELECT string_agg(sha512(int8send(g * 16 + k)), ''::bytea) "
                "FROM generate_series(0, 15) k) FROM generate_series(1, 24000) g;");
  const auto config = env.write_config(backup_yaml(s3));
  const std::map<std::string, std::string> creds{{"BLZKILL_ACCESS_KEY_ID", "S3RVER"},
                                                 {"BLZKILL_SECRET_ACCESS_KEY", "not-checked-by-s3rver"}};
  {
    DaemonProcess first(kBlazedBinary, {"--config", config.string()}, env.dir().path(), creds);
    REQUIRE(first.wait_for_notify("READY=1"));
    auto asked = run_process({kBlazectlBinary, "--socket", env.socket_path(), "backup", "run"}, {{"BLAZED_SOCKET", ""}});
    INFO(asked.out << asked.err);
    REQUIRE(asked.exit_code == 0);
    REQUIRE(eventually([&] { return part_stored(s3, 2); }, std::chrono::seconds(120), std::chrono::milliseconds(20)));
    first.signal(SIGKILL);
    REQUIRE(first.wait_exit() == -SIGKILL);
  }
  CHECK(stored(s3, ".manifest.json._S3rver_object").empty());
  CHECK(stored(s3, ".bkp._S3rver_object").empty());
  CHECK(count(env.db(), "SELECT count(*) FROM backup_runs WHERE outcome = 'success'") == 0);

  DaemonProcess second(kBlazedBinary, {"--config", config.string()}, env.dir().path(), creds);
  REQUIRE(second.wait_for_notify("READY=1"));
  REQUIRE(eventually([&] { return count(env.db(), "SELECT count(*) FROM backup_runs WHERE outcome IS NOT NULL") > 0; },
                     std::chrono::seconds(300)));
  INFO(second.output());
  CHECK(count(env.db(), "SELECT count(*) FROM backup_runs WHERE kind = 'backup' AND outcome = 'success'") == 1);
  CHECK(stored(s3, ".manifest.json._S3rver_object").size() == 1);
  CHECK(stored(s3, ".bkp._S3rver_object").size() == 1);
  auto listed = run_process({kBlazectlBinary, "--socket", env.socket_path(), "backup", "list"}, {{"BLAZED_SOCKET", ""}});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("  good") != std::string::npos);
}
