// Owns bench_purge: the PII purge (jobs/purge) over N raw payloads of which a share is expired,
// spread over ~50 day partitions, run while a writer commits sync pages the way the sync does
// (SyncStore::commit_page); prints rows removed per second and the writer's page-commit latency
// p99 during the purge next to without it, measured in the same run.
#include "crypto/key_file.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "harness/postgres.hpp"
#include "harness/run_coro.hpp"
#include "harness/temp_dir.hpp"
#include "jobs/purge/purge_run.hpp"
#include "jobs/sync/sync_store.hpp"
#include "pg/migrate.hpp"
#include "pg/pool.hpp"

#include <boost/asio/io_context.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace blazed;
namespace asio = boost::asio;
using namespace std::chrono;

namespace {

struct Options {
  long rows = 5'000'000;
  double expired_share = 0.6;
  int expired_days = 20;      // expired rows span [now - 30 - expired_days days, now - 30 days)
  double without_seconds = 8;  // writer alone, before and again after the purge (half each)
  int gap_ms = 5;              // between two page commits of the writer
  long batch = 0;              // 0: the purge's default
  int payload_bytes = 200;     // ciphertext per seeded row
};

constexpr std::int64_t kSeller = 1;
constexpr long kSeedChunk = 250'000;

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string one, five, fifteen;
  f >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

double seconds_since(steady_clock::time_point t) { return duration<double>(steady_clock::now() - t).count(); }

// `rows` payloads received evenly over [now - from_days, now - to_days), in chunks.
void seed(const testing::PgDatabase& db, long rows, int from_days, int to_days, int payload_bytes) {
  const std::string span = "interval '" + std::to_string(from_days - to_days) + " days'";
  const std::string start = "(now() - interval '" + std::to_string(from_days) + " days')";
  for (long done = 0; done < rows; done += kSeedChunk) {
    const long n = std::min(kSeedChunk, rows - done);
    db.exec("INSERT INTO raw_payloads (id, seller_id, data_type, received_at, request_id, key_id, ciphertext) "
            "SELECT nextval('raw_payloads_id_seq'), 2 + g % 50, 'orders', " + start + " + " + span + " * (g::float8 / " +
            std::to_string(rows) + "), 'req-' || g, 'k1', convert_to(repeat(md5(g::text), " +
            std::to_string((payload_bytes + 31) / 32) + "), 'UTF8') FROM generate_series(" + std::to_string(done) +
            ", " + std::to_string(done + n - 1) + ") g");
  }
}

struct Percentiles {
  std::size_t n = 0;
  double p50 = 0, p99 = 0, max = 0;
};
Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  p.n = v.size();
  p.p50 = v[v.size() / 2];
  p.p99 = v[std::min(v.size() - 1, static_cast<std::size_t>(static_cast<double>(v.size()) * 0.99))];
  p.max = v.back();
  return p;
}

// The sync's page commit in a loop on its own thread, connection and clock: each commit's latency
// goes into the list of the phase it started in.
class Writer {
 public:
  enum Phase { without = 0, during = 1, stop = 2 };

  Writer(std::string dsn, std::filesystem::path keydir, int gap_ms)
      : dsn_(std::move(dsn)), keydir_(std::move(keydir)), gap_(gap_ms) {}

  void start() { thread_ = std::thread([this] { loop(); }); }
  void set_phase(Phase p) { phase_ = p; }
  void join() {
    phase_ = stop;
    thread_.join();
  }
  [[nodiscard]] const std::vector<double>& latencies(Phase p) const { return ms_[p]; }
  [[nodiscard]] const std::string& failure() const { return failure_; }
  [[nodiscard]] long pages() const { return pages_; }

 private:
  void loop() {
    crypto::KeyringOptions ko;
    ko.dir = keydir_;
    ko.active_key = "k1";
    auto keys = crypto::Keyring::load(ko);
    if (!keys) {
      failure_ = keys.error().message;
      return;
    }
    asio::io_context io;
    config::PostgresConfig cfg;
    cfg.dsn = dsn_;
    cfg.pool_size = 1;
    pg::PgPool pool(io.get_executor(), cfg, Secret{});
    SystemClock clock;
    jobs::sync::SyncStore store(pool, clock, *keys, crypto::random_nonces(), "bench-purge-writer");
    const jobs::SyncWindow window{clock.now() - hours(1), clock.now()};
    if (auto st = testing::run_coro(io, store.begin_run(kSeller, jobs::sync::DataType::orders, window)); !st) {
      failure_ = st.error().message;
      pool.stop();
      return;
    }
    const std::vector<spapi::Order> no_orders;
    const std::string raw(4096, 'x');  // a page's raw response, sealed like the sync's
    while (phase_ != stop) {
      const Phase phase = phase_;
      jobs::sync::PageToStore page;
      page.type = jobs::sync::DataType::orders;
      page.orders = &no_orders;
      page.raw = raw;
      page.request_id = "bench-" + std::to_string(pages_);
      page.next_token = "next-" + std::to_string(pages_);
      const auto t0 = steady_clock::now();
      auto written = testing::run_coro(io, store.commit_page(kSeller, page));
      const double ms = duration<double, std::milli>(steady_clock::now() - t0).count();
      if (!written) {
        failure_ = written.error().message;
        break;
      }
      ++pages_;
      if (phase_ == phase) ms_[phase].push_back(ms);  // a commit spanning a phase change counts in neither
      std::this_thread::sleep_for(milliseconds(gap_));
    }
    pool.stop();
  }

  std::string dsn_;
  std::filesystem::path keydir_;
  milliseconds gap_;
  std::thread thread_;
  std::atomic<Phase> phase_{without};
  std::vector<double> ms_[2];
  std::string failure_;
  long pages_ = 0;
};

std::int64_t count(const testing::PgDatabase& db, const std::string& sql) {
  return std::stoll(*db.exec(sql).at(0).at(0));
}

int run(const Options& o) {
  std::printf("load average at start: %s\n", load_average().c_str());
  testing::PgDatabase db;
  testing::TempDir keydir("blazed-bench-purge-keys");
  ::chmod(keydir.path().c_str(), 0700);
  if (!crypto::generate_key_file(keydir.path(), "k1")) return 1;
  asio::io_context io;
  config::PostgresConfig cfg;
  cfg.dsn = db.dsn();
  cfg.pool_size = 1;
  pg::PgPool pool(io.get_executor(), cfg, Secret{});
  if (auto m = testing::run_coro(io, pg::migrate(pool)); !m) {
    std::fprintf(stderr, "migrate: %s\n", m.error().message.c_str());
    return 1;
  }
  db.exec("INSERT INTO sellers (region) SELECT 'na' FROM generate_series(1, 51)");

  // Day partitions for every seeded day, then the rows: the expired share over expired_days days
  // before the cutoff, the rest over the 30 days after it.
  const int oldest = 30 + o.expired_days + 1;
  db.exec("SELECT raw_payloads_ensure_partition(d::date) FROM generate_series((now() AT TIME ZONE 'UTC')::date - " +
          std::to_string(oldest) + ", (now() AT TIME ZONE 'UTC')::date + 1, interval '1 day') d");
  const long expired = static_cast<long>(static_cast<double>(o.rows) * o.expired_share);
  const auto seed_start = steady_clock::now();
  seed(db, expired, 30 + o.expired_days, 30, o.payload_bytes);
  seed(db, o.rows - expired, 30, 0, o.payload_bytes);
  db.exec("VACUUM ANALYZE raw_payloads");
  const auto partitions = count(db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'raw_payloads'::regclass");
  const auto before_cutoff = count(db, "SELECT count(*) FROM raw_payloads WHERE received_at < now() - interval '30 days'");
  std::printf("seeded %ld raw payloads (%lld received over 30 days ago) in %lld partitions, %.0f s\n", o.rows,
              static_cast<long long>(before_cutoff), static_cast<long long>(partitions), seconds_since(seed_start));

  Writer writer(db.dsn(), keydir.path(), o.gap_ms);
  writer.start();
  std::this_thread::sleep_for(duration<double>(o.without_seconds / 2));

  writer.set_phase(Writer::during);
  SystemClock clock;
  jobs::purge::PurgeOptions po;
  if (o.batch > 0) po.batch_size = o.batch;
  po.instance_id = "bench";
  po.actor = "instance:bench";
  const auto purge_start = steady_clock::now();
  double whole_days_seconds = 0;
  po.on_step = [&](const jobs::purge::PurgeProgress& p) {
    if (p.deleted_rows == 0) whole_days_seconds = seconds_since(purge_start);
  };
  auto report = testing::run_coro(io, jobs::purge::run_purge(pool, clock, po));
  const double purge_seconds = seconds_since(purge_start);
  writer.set_phase(Writer::without);
  std::this_thread::sleep_for(duration<double>(o.without_seconds / 2));
  writer.join();
  pool.stop();
  if (!report) {
    std::fprintf(stderr, "purge: %s: %s\n", report.error().code.c_str(), report.error().message.c_str());
    return 1;
  }
  if (!writer.failure().empty()) {
    std::fprintf(stderr, "writer: %s\n", writer.failure().c_str());
    return 1;
  }

  const std::int64_t removed = report->dropped_rows + report->deleted_rows;
  const auto left = count(db, "SELECT count(*) FROM raw_payloads WHERE received_at < to_timestamp(" +
                                  std::to_string(duration_cast<seconds>(report->cutoff.time_since_epoch()).count()) + ")");
  const double rate = static_cast<double>(removed) / purge_seconds;
  std::printf("purge: %lld whole days dropped (%lld rows) in %.2f s, then %lld rows of the boundary day deleted "
              "in batches of %lld in %.2f s; %lld expired rows left\n",
              static_cast<long long>(report->dropped_partitions), static_cast<long long>(report->dropped_rows),
              whole_days_seconds, static_cast<long long>(report->deleted_rows),
              static_cast<long long>(po.batch_size), purge_seconds - whole_days_seconds, static_cast<long long>(left));
  std::printf("rows removed per second: %.0f (%lld in %.2f s)  target >= 50,000: %s\n", rate,
              static_cast<long long>(removed), purge_seconds, rate >= 50'000 ? "met" : "NOT MET");
  const auto without = percentiles(writer.latencies(Writer::without));
  const auto during = percentiles(writer.latencies(Writer::during));
  std::printf("page commit without purge: %zu commits, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", without.n,
              without.p50, without.p99, without.max);
  std::printf("page commit during purge:  %zu commits, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", during.n,
              during.p50, during.p99, during.max);
  const double ratio = without.p99 > 0 ? during.p99 / without.p99 : 0;
  std::printf("p99 during / without: %.2fx  target <= 2x: %s\n", ratio, ratio <= 2.0 ? "met" : "NOT MET");
  std::printf("load average at end: %s\n", load_average().c_str());
  return left == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--rows") o.rows = std::atol(value);
    else if (flag == "--expired-days") o.expired_days = std::atoi(value);
    else if (flag == "--without-seconds") o.without_seconds = std::atof(value);
    else if (flag == "--gap-ms") o.gap_ms = std::atoi(value);
    else if (flag == "--batch") o.batch = std::atol(value);
    else if (flag == "--payload-bytes") o.payload_bytes = std::atoi(value);
    else {
      std::fprintf(stderr, "usage: bench_purge [--rows N] [--expired-days D] [--without-seconds S] [--gap-ms MS] "
                           "[--batch B] [--payload-bytes P]\n");
      return 2;
    }
  }
  return run(o);
}
