// Owns one backup run (see backup_run.hpp): the worker thread's dump-and-seal loop, and the
// loop side that feeds the uploads and writes the manifests.
#include "jobs/backup/backup_run.hpp"

#include "core/log.hpp"
#include "jobs/backup/child_process.hpp"
#include "jobs/backup/handoff.hpp"
#include "jobs/backup/seal_stream.hpp"
#include "jobs/backup/worker.hpp"
#include "pg/rows.hpp"
#include "s3/multipart.hpp"
#include "pg/errc.hpp"
#include "jobs/backup/errc.hpp"

#include <boost/asio/this_coro.hpp>

#include <memory>

namespace blazed::jobs::backup {
namespace asio = boost::asio;

namespace {

constexpr const char* kServerVersion =
    "SELECT current_setting('server_version'), current_setting('server_version_num')::int / 10000";
constexpr const char* kRowEstimates = R"(
  SELECT n.nspname, c.relname, c.reltuples::bigint
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  ORDER BY 1, 2)";

// What the worker thread hands back; written before it closes the Handoff.
struct DumpOutcome {
  std::optional<Error> error;
  SealedSizes sizes;
  std::string pg_dump_version;
};

void dump_and_seal(const BackupSettings& s, int server_major, SealStream& seal, Handoff& out,
                   DumpOutcome& outcome, std::atomic<pid_t>& child_pid) {
  const auto fail = [&](Error e) {
    child_pid.store(-1);
    outcome.error = std::move(e);
    out.close();
  };
  auto version = run_for_output({s.pg_dump, "--version"});
  if (!version) return fail(version.error());
  auto major = client_major_version(*version);
  if (!major) return fail(major.error());
  outcome.pg_dump_version = *version;
  while (!outcome.pg_dump_version.empty() && outcome.pg_dump_version.back() == '\n')
    outcome.pg_dump_version.pop_back();
  if (*major < server_major)
    return fail(make_error(blazed::jobs::backup::errc::backup_pg_version, "pg_dump " + std::to_string(*major) +
                                                    " is older than the server (" +
                                                    std::to_string(server_major) + ")"));
  ChildSpec spec;
  spec.argv = {s.pg_dump, "--format=custom", "--compress=0", "--no-password", "--dbname=" + s.dsn};
  if (!s.pg_password.empty()) spec.env.emplace_back("PGPASSWORD", std::string(s.pg_password.reveal()));
  spec.pipe_stdout = true;
  auto child = ChildProcess::start(spec);
  if (!child) return fail(child.error());
  child_pid.store(child->pid());

  Bytes buffer(s.piece_size);
  Bytes sealed;
  sealed.reserve(s.piece_size + s.chunk_size + 64);
  while (true) {
    auto n = child->read(buffer);
    if (!n) return fail(n.error());
    if (*n == 0) break;
    if (auto st = seal.write({buffer.data(), *n}, sealed); !st) return fail(st.error());
    if (sealed.size() >= s.piece_size) {
      if (!out.push(std::move(sealed))) return fail(make_error(blazed::jobs::backup::errc::backup_cancelled, "the upload side stopped"));
      sealed = Bytes();
      sealed.reserve(s.piece_size + s.chunk_size + 64);
    }
  }
  child_pid.store(-1);
  if (const int rc = child->wait(); rc != 0)
    return fail(make_error(blazed::jobs::backup::errc::backup_pg_dump_failed, "pg_dump exited with status " + std::to_string(rc) +
                                                        ": " + child->stderr_tail()));
  if (auto st = seal.finish(sealed); !st) return fail(st.error());
  if (!out.push(std::move(sealed))) return fail(make_error(blazed::jobs::backup::errc::backup_cancelled, "the upload side stopped"));
  outcome.sizes = seal.sizes();
  out.close();
}

std::int64_t milliseconds_between(std::chrono::steady_clock::time_point from,
                                  std::chrono::steady_clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

asio::awaitable<void> abort_all(std::vector<std::unique_ptr<s3::MultipartUpload>>& uploads) {
  for (auto& u : uploads) co_await u->abort();
}

}  // namespace

asio::awaitable<Result<BackupResult>> run_backup(BackupDeps deps, const BackupSettings& settings,
                                                 std::vector<Target>& targets) {
  const log::Logger logger("backup");
  const auto started = deps.clock.now();
  const auto steady_start = std::chrono::steady_clock::now();
  if (targets.empty()) co_return make_error(blazed::jobs::backup::errc::backup_no_targets, "no backup targets");

  auto version = co_await deps.db.query(kServerVersion);
  if (!version) co_return version.error().context("reading the server's version");
  auto server_version = (*version)[0].get<std::string>(0);
  auto server_major = (*version)[0].get<int>(1);
  if (!server_version || !server_major) co_return make_error(blazed::pg::errc::pg_decode, "bad server version row");
  auto estimate_rows = co_await deps.db.query(kRowEstimates);
  if (!estimate_rows) co_return estimate_rows.error().context("reading row estimates");
  std::vector<TableEstimate> tables;
  for (const pg::Row r : *estimate_rows) {
    auto schema = r.get<std::string>(0);
    auto table = r.get<std::string>(1);
    auto rows = r.get<std::int64_t>(2);
    if (!schema || !table || !rows) co_return make_error(blazed::pg::errc::pg_decode, "bad row estimate row");
    tables.push_back({*schema, *table, *rows});
  }

  auto seal = SealStream::create(deps.keyring.active(), deps.nonces, deps.random, settings.zstd_level,
                                 settings.chunk_size);
  if (!seal) co_return seal.error();
  std::array<std::uint8_t, 4> suffix{};
  if (auto st = deps.random.fill(suffix); !st) co_return st.error();
  const std::string id = make_backup_id(
      started, (std::uint32_t{suffix[0]} << 24) | (std::uint32_t{suffix[1]} << 16) |
                   (std::uint32_t{suffix[2]} << 8) | suffix[3]);

  std::vector<std::unique_ptr<s3::MultipartUpload>> uploads;
  for (auto& t : targets) {
    s3::MultipartOptions o;
    o.min_part_size = settings.part_size;
    uploads.push_back(std::make_unique<s3::MultipartUpload>(*t.client, object_key(t.config.prefix, id), o));
  }

  Handoff handoff(co_await asio::this_coro::executor, settings.queue_pieces);
  DumpOutcome outcome;
  Worker worker(handoff, [&](std::atomic<pid_t>& child) {
    dump_and_seal(settings, *server_major, *seal, handoff, outcome, child);
  });

  std::optional<Error> upload_error;
  while (!upload_error) {
    auto piece = co_await handoff.async_pop();
    if (!piece) break;
    for (std::size_t i = 0; i < uploads.size() && !upload_error; ++i)
      if (auto st = co_await uploads[i]->write(*piece); !st)
        upload_error = st.error().context("target '" + targets[i].config.name + "'");
  }
  if (upload_error || handoff.cancelled()) {
    worker.stop();
    co_await abort_all(uploads);
    co_return upload_error ? *upload_error : make_error(blazed::jobs::backup::errc::backup_cancelled, "the backup was cancelled");
  }
  worker.join();
  const auto stream_end = std::chrono::steady_clock::now();
  if (outcome.error) {
    co_await abort_all(uploads);
    co_return *outcome.error;
  }
  for (std::size_t i = 0; i < uploads.size(); ++i) {
    auto done = co_await uploads[i]->finish();
    if (!done) {
      co_await abort_all(uploads);  // completed ones stay as orphans until pruned
      co_return done.error().context("target '" + targets[i].config.name + "'");
    }
  }

  const auto completed = std::chrono::steady_clock::now();
  Manifest m;
  m.backup_id = id;
  m.key_id = seal->header().key_id;
  m.dump_bytes = outcome.sizes.dump_bytes;
  m.compressed_bytes = outcome.sizes.compressed_bytes;
  m.object_bytes = outcome.sizes.object_bytes;
  m.object_sha256 = outcome.sizes.object_sha256;
  m.pg_server_version = *server_version;
  m.pg_dump_version = outcome.pg_dump_version;
  m.instance_id = settings.instance_id;
  m.started_at = started;
  m.finished_at = deps.clock.now();
  m.tables = std::move(tables);
  const std::string text = manifest_to_json(m);
  const std::span<const std::uint8_t> body(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  for (auto& t : targets) {
    s3::PutOptions po;
    po.content_type = "application/json";
    auto put = co_await t.client->put_object(manifest_key(t.config.prefix, id), body, po);
    if (!put) co_return put.error().context("target '" + t.config.name + "': writing the manifest");
  }
  BackupResult result{std::move(m), std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - steady_start)};
  logger.info("backup written", {{"backup_id", id}, {"object_bytes", result.manifest.object_bytes},
                                 {"dump_bytes", result.manifest.dump_bytes},
                                 {"targets", static_cast<std::int64_t>(targets.size())},
                                 {"duration_ms", static_cast<std::int64_t>(result.duration.count())},
                                 // Where the time went: streaming the dump, then the targets
                                 // assembling their multipart uploads.
                                 {"stream_ms", milliseconds_between(steady_start, stream_end)},
                                 {"complete_ms", milliseconds_between(stream_end, completed)}});
  co_return result;
}

}  // namespace blazed::jobs::backup
