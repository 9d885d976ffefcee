// Owns the key_rotation job type: payload parsing, one rotate_table() per table, its audit
// event, and enqueueing the job (on demand, or when rows are not under the active key).
#include "jobs/keys/key_rotation_job.hpp"

#include "control/errc.hpp"
#include "core/log.hpp"
#include "crypto/keyring.hpp"
#include "jobs/keys/errc.hpp"
#include "jobs/keys/key_rotation.hpp"
#include "metrics/registry.hpp"
#include "pg/audit.hpp"
#include "pg/pool.hpp"
#include "queue/errc.hpp"
#include "queue/handlers.hpp"
#include "queue/producer.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <vector>

namespace blazed::jobs {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Payload pages are larger than tokens: smaller batches keep each transaction short.
constexpr int kTokenBatch = 1000;
constexpr int kPayloadBatch = 200;

const RotationTable* table_named(std::string_view name) {
  for (const RotationTable& t : rotation_tables())
    if (t.table == name) return &t;
  return nullptr;
}

// The tables a payload asks for; `permanent` when it cannot be understood (no retry helps).
Result<std::vector<const RotationTable*>> tables_from_payload(const std::string& payload) {
  std::vector<const RotationTable*> out;
  boost::system::error_code ec;
  json::value v = json::parse(payload.empty() ? std::string("{}") : payload, ec);
  if (ec || !v.is_object()) return make_error(queue::errc::permanent, "key_rotation payload is not a JSON object");
  const auto* t = v.as_object().if_contains("table");
  if (t == nullptr || t->is_null()) {
    for (const RotationTable& r : rotation_tables()) out.push_back(&r);
    return out;
  }
  const RotationTable* found = t->is_string() ? table_named(t->as_string()) : nullptr;
  if (found == nullptr) return make_error(queue::errc::permanent, "key_rotation payload names an unknown table");
  out.push_back(found);
  return out;
}

std::string data_type_of(const RotationTable& t) {
  return t.table == seller_tokens_table().table ? "tokens" : t.table;
}

asio::awaitable<Status> audit_run(JobContext& ctx, const RotationTable& table,
                                  const Result<RotationReport>& report, const std::string& target) {
  pg::AuditEvent e;
  e.actor = "instance:" + ctx.instance_id;
  e.action = "keys.rotate";
  e.data_type = data_type_of(table);
  e.detail["table"] = table.table;
  e.detail["target_key"] = target;
  if (report) {
    e.rows = report->rewrapped;
    e.outcome = report->failed > 0 || report->remaining > 0 ? pg::AuditOutcome::partial
                                                            : pg::AuditOutcome::success;
    e.detail["run_id"] = report->run_id;
    e.detail["resumed"] = report->resumed;
    e.detail["passes"] = report->passes;
    e.detail["rewrapped"] = report->rewrapped;
    e.detail["skipped"] = report->skipped;
    e.detail["failed"] = report->failed;
    e.detail["remaining"] = report->remaining;
  } else {
    e.outcome = pg::AuditOutcome::failure;
    e.detail["error"] = report.error().code;
  }
  auto id = co_await pg::record_audit(ctx.db, ctx.clock, e);
  if (!id) co_return id.error();
  co_return Status{};
}

asio::awaitable<queue::HandlerOutcome> run_rotation(JobContext& ctx, metrics::GaugeFamily& remaining,
                                                    const queue::Job& job) {
  const log::Logger logger("key_rotation");
  auto tables = tables_from_payload(job.payload);
  if (!tables) co_return queue::permanent(tables.error());
  const std::string target = ctx.keyring.active().id();
  Status outcome;
  for (const RotationTable* t : *tables) {
    RotationOptions options;
    options.batch_size = t == &raw_payloads_table() ? kPayloadBatch : kTokenBatch;
    auto report = co_await rotate_table(ctx.db, ctx.keyring, ctx.nonces, *t, options);
    if (!report && report.error().code == jobs::keys::errc::rotation_busy) {
      // Another process holds this table; its run ends at the same place. Retry later to be sure.
      logger.info("rotation busy elsewhere; will retry", {{"table", t->table}, {"job_id", job.id}});
      outcome = report.error();
      continue;
    }
    if (auto st = co_await audit_run(ctx, *t, report, target); !st) co_return st.error();
    if (!report) {
      logger.error("key rotation failed", {{"table", t->table}, {"job_id", job.id},
                                           {"error", report.error().message}});
      outcome = report.error();
      continue;
    }
    remaining.with({t->table}).set(static_cast<double>(report->remaining));
    logger.info("key rotation done", {{"table", t->table}, {"job_id", job.id},
                                      {"target_key", target}, {"rewrapped", report->rewrapped},
                                      {"skipped", report->skipped}, {"failed", report->failed},
                                      {"remaining", report->remaining}});
  }
  co_return outcome;
}

}  // namespace

Status register_key_rotation(queue::Handlers& handlers, JobContext& ctx) {
  auto& remaining = ctx.metrics.gauge(
      kRotationRemainingMetric,
      "Rows of the table not under the active key when its last rotation run ended", {"table"});
  queue::JobType type;
  type.handler = [&ctx, &remaining](const queue::Job& job) { return run_rotation(ctx, remaining, job); };
  type.max_attempts = 10;
  type.timeout = std::chrono::hours(1);  // resumable: a timed-out run continues on retry
  type.backoff_base = std::chrono::seconds(30);
  type.backoff_max = std::chrono::minutes(30);
  handlers.add(kKeyRotationJob, std::move(type));
  return {};
}

asio::awaitable<Result<RotationEnqueued>> enqueue_rotation(JobContext& ctx, const std::string& table) {
  json::object payload;
  if (!table.empty()) {
    if (table_named(table) == nullptr) co_return make_error(control::errc::bad_args, "unknown table to rotate");
    payload["table"] = table;
  }
  queue::EnqueueOptions options;
  options.unique_key = kKeyRotationUniqueKey;
  auto done = co_await ctx.producer(kKeyRotationQueue)
                  .enqueue(kKeyRotationJob, json::serialize(payload), options);
  if (!done) co_return done.error();
  co_return RotationEnqueued{done->id, done->duplicate};
}

asio::awaitable<Result<std::optional<RotationEnqueued>>> enqueue_rotation_if_needed(JobContext& ctx) {
  const std::string active = ctx.keyring.active().id();
  bool needed = false;
  for (const RotationTable& t : rotation_tables()) {
    auto rows = co_await ctx.db.query("SELECT EXISTS (SELECT 1 FROM " + t.table +
                                          " WHERE key_id IS DISTINCT FROM $1)",
                                      active);
    if (!rows) co_return rows.error();
    auto stale = rows->scalar<bool>();
    if (!stale) co_return stale.error();
    needed = needed || *stale;
  }
  if (!needed) co_return std::nullopt;
  auto queued = co_await enqueue_rotation(ctx);
  if (!queued) co_return queued.error();
  log::Logger("key_rotation").info("rows not under the active key; rotation enqueued",
                                   {{"active_key", active}, {"job_id", queued->job_id},
                                    {"duplicate", queued->duplicate}});
  co_return std::optional<RotationEnqueued>(*queued);
}

}  // namespace blazed::jobs
