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
#include "s3/multipart.hpp"
#include "s3/s3rver.hpp"
#include "shop_database.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <thread>
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

void or_die(Status st, const char* what) {
  if (!st) {
    std::fprintf(stderr, "bench_backup: %s: %s: %s\n", what, st.error().code.c_str(), st.error().message.c_str());
    std::exit(1);
  }
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

struct Upload {
  double stream_seconds = 0;
  double complete_seconds = 0;
};

// Uploads `bytes` from memory (one random MiB over and over) the way the backup uploads its
// object, with nothing compressed or encrypted: what s3rver alone costs for an object that size.
// Like the backup's, the upload completes only once `source_done` holds (its dump has ended).
asio::awaitable<Upload> upload_from_memory(s3::Client& client, std::string key, std::uint64_t bytes,
                                           std::uint64_t part_size, const std::atomic<bool>& source_done) {
  std::vector<std::uint8_t> block(kMiB);
  std::mt19937_64 gen(42);
  for (auto& b : block) b = static_cast<std::uint8_t>(gen());
  s3::MultipartOptions o;
  o.min_part_size = part_size;
  s3::MultipartUpload upload(client, std::move(key), o);
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t sent = 0; sent < bytes; sent += block.size()) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), bytes - sent));
    or_die(co_await upload.write(std::span<const std::uint8_t>(block.data(), n)), "upload from memory");
  }
  asio::steady_timer poll(co_await asio::this_coro::executor);
  while (!source_done) {
    poll.expires_after(std::chrono::milliseconds(1));
    co_await poll.async_wait(asio::use_awaitable);
  }
  const auto streamed = std::chrono::steady_clock::now();
  or_die(co_await upload.finish(), "upload from memory");
  co_return Upload{std::chrono::duration<double>(streamed - t0).count(), seconds_since(streamed)};
}

// The floor this machine and the test server set: the bare pg_dump to /dev/null while an upload
// the size of our object goes to s3rver from memory, completed once the dump has ended. No
// backup on this machine, however little work it does itself, finishes sooner.
void print_floor(Ours& ours, const std::string& dsn, std::uint64_t object_bytes, double bare) {
  auto& client = *ours.targets[0].client;
  const std::atomic<bool> no_source{true};
  const Upload alone = testing::run_coro(
      ours.io, upload_from_memory(client, "floor/alone", object_bytes, ours.settings.part_size, no_source));
  std::atomic<bool> dumped{false};
  const auto t0 = std::chrono::steady_clock::now();
  std::thread dump([&] {
    timed_shell("pg_dump -Z0", "pg_dump -Fc -Z0 " + dsn + " > /dev/null");
    dumped = true;
  });
  const Upload both = testing::run_coro(
      ours.io, upload_from_memory(client, "floor/with-dump", object_bytes, ours.settings.part_size, dumped));
  dump.join();
  const double together = seconds_since(t0);
  std::printf("  s3rver alone, an object of that size from memory: %.2f s = %.2f s sending + %.2f s completing\n",
              alone.stream_seconds + alone.complete_seconds, alone.stream_seconds, alone.complete_seconds);
  std::printf("  floor: that upload beside pg_dump -Fc -Z0 > /dev/null, completed when the dump ends: %.2f s = "
              "%.2fx bare (%.2f s to the dump's end + %.2f s completing)\n",
              together, together / bare, both.stream_seconds, both.complete_seconds);
}

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
  print_floor(ours, dsn, m.object_bytes, bare);
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
