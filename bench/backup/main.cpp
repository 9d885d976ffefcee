// Owns bench_backup: our backup and restore (pg_dump -Z0 -> zstd -> chunked AES-256-GCM ->
// multipart upload to s3rver, and back into pg_restore) next to bare `pg_dump -Fc -Z0`, the
// common shell pipeline (pg_dump -Fc | openssl enc | aws s3 cp -) and pg_restore of a plain dump
// file, in one run on one generated database, with this process's peak RSS at two sizes.
#include "common/proc_status.hpp"
#include "crypto/key_file.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "harness/postgres.hpp"
#include "harness/run_coro.hpp"
#include "harness/run_process.hpp"
#include "harness/temp_dir.hpp"
#include "jobs/backup/backup_run.hpp"
#include "jobs/backup/restore.hpp"
#include "pg/pool.hpp"
#include "s3/s3rver.hpp"
#include "shop_database.hpp"

#include <boost/asio/io_context.hpp>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace blazed;
namespace bk = blazed::jobs::backup;
namespace asio = boost::asio;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

struct Options {
  std::uint64_t size_mb = 1024;
  std::uint64_t small_mb = 256;
  bool pipeline = true;
};

struct Timed {
  double seconds = 0;
  double peak_mib = 0;  // this process's VmHWM over the step
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A shell command, timed; exits the bench when it fails.
double timed_shell(const std::string& what, const std::string& command,
                   const std::map<std::string, std::string>& env = {}) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = testing::run_process({"/bin/bash", "-c", "set -o pipefail; " + command}, env);
  const double s = seconds_since(t0);
  if (r.exit_code != 0) {
    std::fprintf(stderr, "bench_backup: %s failed (%d): %s\n", what.c_str(), r.exit_code, r.err.c_str());
    std::exit(1);
  }
  return s;
}

bool have_program(const std::string& name) {
  return testing::run_process({"/bin/sh", "-c", "command -v " + name}).exit_code == 0;
}

template <class T>
T or_die(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "bench_backup: %s: %s: %s\n", what, r.error().code.c_str(), r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

// The daemon's side of the bench: keyring, pool, one target on s3rver.
struct Ours {
  testing::TempDir keydir{"blazed-bench-backup-keys"};
  asio::io_context io;
  std::optional<crypto::Keyring> keyring;
  std::unique_ptr<pg::PgPool> pool;
  std::vector<bk::Target> targets;
  bk::BackupSettings settings;

  Ours(const testing::PgDatabase& source, const testing::S3rver& s3) {
    ::chmod(keydir.path().c_str(), 0700);
    or_die(crypto::generate_key_file(keydir.path(), "k1", SystemClock::instance()), "key file");
    crypto::KeyringOptions ko;
    ko.dir = keydir.path();
    ko.active_key = "k1";
    keyring.emplace(or_die(crypto::Keyring::load(ko), "keyring"));
    config::PostgresConfig pg_cfg;
    pg_cfg.dsn = source.dsn();
    pg_cfg.pool_size = 1;
    pool = std::make_unique<pg::PgPool>(io.get_executor(), pg_cfg, Secret{});
    s3::ClientOptions o;
    o.endpoint = s3.endpoint();
    o.region = "us-east-1";
    o.bucket = s3.bucket();
    o.addressing = s3::Addressing::path;
    o.transport.allow_plain_http = true;
    s3::Credentials c;
    c.access_key_id = "S3RVER";
    c.secret_access_key = Secret("S3RVER");
    config::BackupTargetConfig t;
    t.name = "bench";
    t.bucket = s3.bucket();
    t.region = o.region;
    t.prefix = "ours/";
    targets.push_back({t, or_die(s3::Client::create(io.get_executor(), o, c), "S3 client")});
    settings.dsn = source.dsn();
    settings.instance_id = "bench";
  }
  ~Ours() { pool->stop(); }

  std::pair<Timed, bk::Manifest> backup() {
    bench::reset_peak_rss();
    const auto t0 = std::chrono::steady_clock::now();
    bk::BackupDeps deps{*pool, *keyring, crypto::random_nonces(), crypto::random_bytes(), SystemClock::instance()};
    auto done = or_die(testing::run_coro(io, bk::run_backup(deps, settings, targets)), "our backup");
    return {{seconds_since(t0), bench::proc_status_mb("VmHWM")}, done.manifest};
  }

  Timed restore(const bk::Manifest& m, const testing::PgDatabase& into) {
    bench::reset_peak_rss();
    const auto t0 = std::chrono::steady_clock::now();
    bk::PgRestoreDestination dest("pg_restore", into.dsn(), Secret{});
    or_die(testing::run_coro(io, bk::restore_backup(targets[0], m, *keyring, dest)), "our restore");
    return {seconds_since(t0), bench::proc_status_mb("VmHWM")};
  }
};

void print_size(const char* label, const bench::ShopDatabase& shop, const bk::Manifest& m) {
  std::printf("%s: database %.0f MiB, %lld orders; dump %.0f MiB, object %.0f MiB\n", label,
              static_cast<double>(shop.size_bytes()) / kMiB, static_cast<long long>(shop.orders()),
              static_cast<double>(m.dump_bytes) / kMiB, static_cast<double>(m.object_bytes) / kMiB);
}

int run(const Options& opt) {
  if (!bench::reset_peak_rss()) std::fprintf(stderr, "bench_backup: cannot reset VmHWM; peaks are the run's\n");
  testing::S3rver s3;
  testing::PgDatabase source;
  bench::ShopDatabase shop(source);
  Ours ours(source, s3);
  const std::string dsn = "'--dbname=" + source.dsn() + "'";

  std::printf("RSS at start: %.1f MiB\n", bench::proc_status_mb("VmRSS"));
  // The smaller size: our backup and restore, for the RSS.
  auto t0 = std::chrono::steady_clock::now();
  shop.grow_to(opt.small_mb * kMiB);
  std::printf("generated in %.1f s\n", seconds_since(t0));
  {
    auto [backup, m] = ours.backup();
    print_size("small", shop, m);
    testing::PgDatabase into;
    const Timed restore = ours.restore(m, into);
    std::printf("  our backup %.2f s, peak RSS %.1f MiB; our restore %.2f s, peak RSS %.1f MiB\n", backup.seconds,
                backup.peak_mib, restore.seconds, restore.peak_mib);
  }

  t0 = std::chrono::steady_clock::now();
  shop.grow_to(opt.size_mb * kMiB);
  std::printf("grown in %.1f s\n", seconds_since(t0));
  const double bare1 = timed_shell("pg_dump -Z0", "pg_dump -Fc -Z0 " + dsn + " > /dev/null");
  auto [backup, m] = ours.backup();
  const double bare2 = timed_shell("pg_dump -Z0", "pg_dump -Fc -Z0 " + dsn + " > /dev/null");
  const double bare = std::min(bare1, bare2);
  print_size("large", shop, m);
  std::printf("  pg_dump -Fc -Z0 > /dev/null: %.2f s (runs %.2f, %.2f)\n", bare, bare1, bare2);
  std::printf("  our backup: %.2f s = %.2fx bare (target <= 1.5x), peak RSS %.1f MiB\n", backup.seconds,
              backup.seconds / bare, backup.peak_mib);
  if (opt.pipeline && have_program("aws")) {
    const std::map<std::string, std::string> env{{"AWS_ACCESS_KEY_ID", "S3RVER"},
                                                 {"AWS_SECRET_ACCESS_KEY", "S3RVER"},
                                                 {"AWS_DEFAULT_REGION", "us-east-1"},
                                                 {"BENCH_PASSPHRASE", "bench passphrase"}};
    const double pipe = timed_shell(
        "the shell pipeline",
        "pg_dump -Fc " + dsn + " | openssl enc -aes-256-cbc -pbkdf2 -pass env:BENCH_PASSPHRASE | aws s3 cp - s3://" +
            s3.bucket() + "/pipeline/dump.enc --endpoint-url " + s3.endpoint() + " --only-show-errors",
        env);
    std::printf("  pg_dump -Fc | openssl enc -aes-256-cbc -pbkdf2 | aws s3 cp -: %.2f s = %.2fx ours (target >= 4x)\n",
                pipe, pipe / backup.seconds);
  } else {
    std::printf("  the shell pipeline: skipped (%s)\n", opt.pipeline ? "no aws command" : "--no-pipeline");
  }

  testing::TempDir dir("blazed-bench-backup");
  const std::string file = (dir.path() / "plain.dump").string();
  timed_shell("pg_dump to a file", "pg_dump -Fc -Z0 " + dsn + " > " + file);
  double plain = 0;
  {
    testing::PgDatabase into;
    plain = timed_shell("pg_restore", "pg_restore --no-owner --no-privileges --exit-on-error '--dbname=" +
                                          into.dsn() + "' " + file);
  }
  std::filesystem::remove(file);
  testing::PgDatabase into;
  const Timed restore = ours.restore(m, into);
  std::printf("  pg_restore of a plain -Fc -Z0 file: %.2f s\n", plain);
  std::printf("  our restore: %.2f s = %.2fx plain (target <= 1.5x), peak RSS %.1f MiB\n", restore.seconds,
              restore.seconds / plain, restore.peak_mib);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--size-mb" && i + 1 < argc) {
      opt.size_mb = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--small-mb" && i + 1 < argc) {
      opt.small_mb = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--no-pipeline") {
      opt.pipeline = false;
    } else {
      std::fprintf(stderr, "usage: bench_backup [--size-mb N (1024)] [--small-mb N (256)] [--no-pipeline]\n");
      return 2;
    }
  }
  if (opt.size_mb == 0 || opt.small_mb == 0 || opt.small_mb >= opt.size_mb) {
    std::fprintf(stderr, "bench_backup: need 0 < --small-mb < --size-mb\n");
    return 2;
  }
  int rc = 1;
  try {
    rc = run(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_backup: %s\n", e.what());
  }
  return rc;
}
