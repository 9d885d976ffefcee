// Owns the key rotation duty: batches, compare-and-swap writes, the resumable run ledger.
#include "jobs/keys/key_rotation.hpp"

#include "crypto/ciphertext.hpp"
#include "crypto/digest.hpp"
#include "crypto/errc.hpp"
#include "jobs/keys/errc.hpp"
#include "jobs/sellers/sellers_store.hpp"
#include "pg/errc.hpp"

#include <boost/asio/this_coro.hpp>

namespace blazed::jobs {
namespace asio = boost::asio;

namespace {

// Statements for one table; the table and column names come from RotationTable (code, never
// input) and are the only text spliced in, everything else is a parameter.
struct Statements {
  std::string select_batch;
  std::string cas_update;
  std::string count_stale;
  explicit Statements(const RotationTable& t) {
    select_batch = "SELECT " + t.id_column + ", ciphertext, key_id FROM " + t.table + " WHERE " +
                   t.id_column + " > $1 AND key_id IS DISTINCT FROM $2 ORDER BY " + t.id_column +
                   " LIMIT $3";
    // Compare-and-swap on the exact old ciphertext (which names its key id in its header),
    // compared by SHA-256 so a batch sends 32 bytes per row instead of the whole old value: a
    // row rewritten meanwhile has a new nonce, so it no longer matches and keeps its value.
    cas_update = "UPDATE " + t.table + " AS t SET ciphertext = v.new_ct, key_id = $4" +
                 " FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) AS v(id, old_sha, new_ct)"
                 " WHERE t." + t.id_column + " = v.id AND sha256(t.ciphertext) = v.old_sha";
    count_stale = "SELECT count(*) FROM " + t.table + " WHERE key_id IS DISTINCT FROM $1";
  }
};

constexpr const char* kFindRun =
    "SELECT id, target_key, cursor, passes, rewrapped, skipped, failed FROM key_rotation_runs "
    "WHERE table_name = $1 AND finished_at IS NULL";
constexpr const char* kStartRun =
    "INSERT INTO key_rotation_runs (target_key, table_name) VALUES ($1, $2) RETURNING id";
constexpr const char* kRetarget =
    "UPDATE key_rotation_runs SET target_key = $2, cursor = 0, updated_at = now() WHERE id = $1";
// Never backwards: within a pass the cursor only grows, and a pass only follows an earlier one.
// A run that finds the ledger ahead of it (another run moved it on) is refused.
constexpr const char* kAdvance =
    "UPDATE key_rotation_runs SET cursor = $2, passes = $3, rewrapped = rewrapped + $4, "
    "skipped = skipped + $5, failed = failed + $6, updated_at = now() "
    "WHERE id = $1 AND finished_at IS NULL AND (passes, cursor) <= ($3::int, $2::bigint)";
constexpr const char* kFinish =
    "UPDATE key_rotation_runs SET finished_at = now(), updated_at = now() WHERE id = $1";

// One advisory lock key per table: hashtext of a fixed prefix and the table name.
constexpr const char* kTryLock = "SELECT pg_try_advisory_lock(hashtext('blazed.key_rotation.' || $1))";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock(hashtext('blazed.key_rotation.' || $1))";

Error ledger_moved(std::int64_t run_id) {
  return make_error(jobs::keys::errc::rotation_fenced,
                    "the ledger of rotation run " + std::to_string(run_id) +
                        " is ahead of this run (or finished); it stops");
}

struct Batch {
  std::vector<std::int64_t> ids;
  std::vector<pg::Bytes> old_digests;
  std::vector<pg::Bytes> new_cts;
  std::int64_t last_id = 0;
  std::int64_t read = 0;
  std::int64_t failed = 0;
};

// Rewraps what a batch read. Failures (tampered, unknown key) are counted and left in place.
Result<Batch> rewrap_rows(const pg::Rows& rows, const crypto::Keyring& keyring,
                          crypto::NonceSource& nonces, const RotationTable& table) {
  Batch b;
  for (const pg::Row row : rows) {
    auto id = row.get<std::int64_t>(0);
    if (!id) return id.error();
    auto ct = row.get<pg::Bytes>(1);
    if (!ct) return ct.error();
    auto key_id = row.get<std::optional<std::string>>(2);
    if (!key_id) return key_id.error();
    b.last_id = *id;
    ++b.read;
    const std::string row_id = std::to_string(*id);
    auto fresh = crypto::rewrap(keyring, nonces, crypto::Aad{table.purpose, table.table, row_id}, *key_id, *ct);
    if (!fresh) {
      if (fresh.error().code == crypto::errc::crypto_random || fresh.error().code == crypto::errc::crypto_internal)
        return fresh.error();
      ++b.failed;
      continue;
    }
    b.ids.push_back(*id);
    const auto digest = crypto::sha256(*ct);
    b.old_digests.emplace_back(digest.begin(), digest.end());
    b.new_cts.push_back(std::move(*fresh));
  }
  return b;
}

// What one committed batch did (a transaction body cannot return values, so it fills this).
struct BatchOutcome {
  std::int64_t read = 0;
  std::int64_t last_id = 0;
  std::int64_t written = 0;
  std::int64_t skipped = 0;
  std::int64_t failed = 0;
};

struct RunState {
  std::int64_t id = 0;
  std::int64_t cursor = 0;
  int passes = 0;
  bool resumed = false;
};

asio::awaitable<Result<RunState>> open_run(pg::Executor& s, const std::string& active,
                                           const RotationTable& table) {
  auto found = co_await s.query(kFindRun, table.table);
  if (!found) co_return found.error();
  RunState run;
  if (!found->empty()) {
    const pg::Row r = (*found)[0];
    auto id = r.get<std::int64_t>(0);
    auto target = r.get<std::string>(1);
    auto cursor = r.get<std::int64_t>(2);
    auto passes = r.get<int>(3);
    if (!id || !target || !cursor || !passes) co_return make_error(pg::errc::pg_decode, "bad key_rotation_runs row");
    run.id = *id;
    run.cursor = *cursor;
    run.passes = *passes;
    run.resumed = true;
    if (*target != active) {  // the active key changed again mid-run: start over towards it
      if (auto st = co_await s.query(kRetarget, run.id, active); !st) co_return st.error();
      run.cursor = 0;
    }
    co_return run;
  }
  auto inserted = co_await s.query(kStartRun, active, table.table);
  if (!inserted) co_return inserted.error();
  auto id = inserted->scalar<std::int64_t>();
  if (!id) co_return id.error();
  run.id = *id;
  co_return run;
}

}  // namespace

const RotationTable& seller_tokens_table() {
  static const RotationTable t{std::string(sellers::kTokensTable), "seller_id", std::string(crypto::kPurposeSellerToken)};
  return t;
}

const RotationTable& raw_payloads_table() {
  static const RotationTable t{"raw_payloads", "id", std::string(crypto::kPurposeRawPayload)};
  return t;
}

std::span<const RotationTable> rotation_tables() {
  static const std::vector<RotationTable> all{seller_tokens_table(), raw_payloads_table()};
  return all;
}

asio::awaitable<Result<RotationReport>> rotate_table(pg::PgPool& db, const crypto::Keyring& keyring,
                                                     crypto::NonceSource& nonces,
                                                     const RotationTable& table,
                                                     RotationOptions options) {
  const Statements sql(table);
  const std::string active = keyring.active().id();
  RotationReport report;

  auto st = co_await db.with_session([&](pg::Session& s) -> asio::awaitable<Status> {
    auto locked = co_await s.query(kTryLock, table.table);
    if (!locked) co_return locked.error();
    auto got = locked->scalar<bool>();
    if (!got) co_return got.error();
    if (!*got)
      co_return make_error(jobs::keys::errc::rotation_busy, "another process is rotating " + table.table);

    auto body = [&]() -> asio::awaitable<Status> {
      auto run = co_await open_run(s, active, table);
      if (!run) co_return run.error();
      report.run_id = run->id;
      report.resumed = run->resumed;
      std::int64_t cursor = run->cursor;
      int pass = std::max(run->passes, 1);
      for (; pass <= options.max_passes; ++pass) {
        std::int64_t pass_rewrapped = 0;
        while (true) {
          // One transaction per batch: the rows and the cursor commit together or not at all.
          BatchOutcome done;
          auto tx = co_await s.transaction([&](pg::Tx& t) -> asio::awaitable<Status> {
            auto rows = co_await t.query(sql.select_batch, cursor, active, options.batch_size);
            if (!rows) co_return rows.error();
            // The keyring may have been swapped while the query ran: the rows would be sealed
            // under another key than the key_id written beside them. Stop; a retry retargets.
            if (keyring.active().id() != active)
              co_return make_error(jobs::keys::errc::rotation_key_changed, "the active key changed during the run");
            auto batch = rewrap_rows(*rows, keyring, nonces, table);
            if (!batch) co_return batch.error();
            done = BatchOutcome{};
            if (batch->read == 0) co_return Status{};
            if (!batch->ids.empty()) {
              auto upd = co_await t.query(sql.cas_update, batch->ids, batch->old_digests,
                                          batch->new_cts, active);
              if (!upd) co_return upd.error();
              done.written = upd->affected();
            }
            done.read = batch->read;
            done.last_id = batch->read == 0 ? cursor : batch->last_id;
            done.failed = batch->failed;
            done.skipped = static_cast<std::int64_t>(batch->ids.size()) - done.written;
            auto adv = co_await t.query(kAdvance, run->id, done.last_id, pass, done.written,
                                        done.skipped, done.failed);
            if (!adv) co_return adv.error();
            // Refused: the batch's rewrites roll back with it.
            if (adv->affected() != 1) co_return ledger_moved(run->id);
            co_return Status{};
          });
          if (!tx) co_return tx.error();
          if (done.read == 0) break;  // nothing left in this pass
          cursor = done.last_id;
          pass_rewrapped += done.written;
          report.rewrapped += done.written;
          report.skipped += done.skipped;
          report.failed += done.failed;
          if (options.on_batch)
            options.on_batch(RotationProgress{run->id, pass, cursor, report.rewrapped,
                                              report.skipped, report.failed});
        }
        auto stale = co_await s.query(sql.count_stale, active);
        if (!stale) co_return stale.error();
        auto n = stale->scalar<std::int64_t>();
        if (!n) co_return n.error();
        report.remaining = *n;
        report.passes = pass;
        // Done when nothing is left, or when a pass changed nothing (only unreadable rows remain).
        if (*n == 0 || pass_rewrapped == 0) break;
        cursor = 0;
        auto adv = co_await s.query(kAdvance, run->id, 0, pass + 1, 0, 0, 0);
        if (!adv) co_return adv.error();
        if (adv->affected() != 1) co_return ledger_moved(run->id);
      }
      if (auto fin = co_await s.query(kFinish, run->id); !fin) co_return fin.error();
      co_return Status{};
    };
    auto result = co_await body();
    (void)co_await s.query(kUnlock, table.table);
    co_return result;
  });
  if (!st) co_return st.error().context("key rotation of " + table.table);
  co_return report;
}

asio::awaitable<Result<std::vector<KeyUsage>>> key_usage(pg::Executor& db,
                                                         std::span<const RotationTable> tables) {
  std::vector<KeyUsage> out;
  for (const RotationTable& t : tables) {
    auto rows = co_await db.query("SELECT key_id, count(*) FROM " + t.table +
                                  " GROUP BY key_id ORDER BY key_id NULLS FIRST");
    if (!rows) co_return rows.error();
    for (const pg::Row r : *rows) {
      auto key = r.get<std::optional<std::string>>(0);
      auto n = r.get<std::int64_t>(1);
      if (!key || !n) co_return make_error(pg::errc::pg_decode, "bad key usage row");
      out.push_back(KeyUsage{t.table, *key, *n});
    }
  }
  co_return out;
}

}  // namespace blazed::jobs
