// Tests the key_rotation job type end to end on real PostgreSQL and Redis: enqueued once when
// rows are not under the active key, run by a real Processor, it rewraps seller tokens and raw
// payloads to the new key and records one audit event per table (legacy CBC rows and concurrent
// writers are covered by test_key_rotation).
#include "crypto/ciphertext.hpp"
#include "crypto/envelope.hpp"
#include "crypto/hex.hpp"
#include "harness/catch_result.hpp"
#include "jobs/job_runner.hpp"
#include "jobs/job_world.hpp"
#include "jobs/keys/key_rotation.hpp"
#include "jobs/keys/key_rotation_job.hpp"
#include "pg/audit.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace blazed;
using namespace blazed::testing;

namespace {

constexpr long kSellers = 40;
constexpr long kPayloads = 30;

std::string token_of(long id) { return "Atzr|canary-token-" + std::to_string(id); }
std::string payload_of(long id) { return R"({"orders":[{"id":")" + std::to_string(id) + R"("}]})"; }

std::string sealed_hex(const crypto::Keyring& ring, std::string_view purpose, std::string_view table,
                       long id, const std::string& plain) {
  const std::string row = std::to_string(id);
  return crypto::to_hex(
      crypto::seal(ring, crypto::random_nonces(), crypto::Aad{purpose, table, row}, plain).value());
}

// Tokens for sellers 1..kSellers and payloads 1..kPayloads, all under the active key of `w`.
void fill(JobWorld& w) {
  w.db.exec("INSERT INTO sellers (region) SELECT 'na' FROM generate_series(1, " + std::to_string(kSellers) + ")");
  const std::string key = w.keyring->active().id();
  for (long id = 1; id <= kSellers; ++id)
    w.db.exec("INSERT INTO seller_tokens (seller_id, ciphertext, key_id) VALUES (" + std::to_string(id) +
              ", '\\x" + sealed_hex(*w.keyring, crypto::kPurposeSellerToken, "seller_tokens", id, token_of(id)) +
              "', '" + key + "')");
  for (long id = 1; id <= kPayloads; ++id) {
    w.db.exec("SELECT nextval('raw_payloads_id_seq')");
    w.db.exec("INSERT INTO raw_payloads (id, seller_id, data_type, key_id, ciphertext) VALUES (" +
              std::to_string(id) + ", 1, 'orders', '" + key + "', '\\x" +
              sealed_hex(*w.keyring, crypto::kPurposeRawPayload, "raw_payloads", id, payload_of(id)) + "')");
  }
}

// Every row of `table` is under `key` (column and header) and opens to `expected(id)`.
template <class Expected>
long wrong_rows(JobWorld& w, const jobs::RotationTable& t, const std::string& key, Expected expected) {
  long bad = 0;
  for (const auto& r : w.db.exec("SELECT " + t.id_column + ", encode(ciphertext, 'hex'), key_id FROM " + t.table)) {
    const auto bytes = crypto::from_hex(*r[1]).value();
    auto info = crypto::inspect(*w.keyring, bytes);
    auto plain = crypto::open_stored(*w.keyring, crypto::Aad{t.purpose, t.table, *r[0]}, r[2], bytes);
    if (!info || info->key_id != key || r[2] != std::optional<std::string>(key) || !plain ||
        *plain != expected(std::stol(*r[0])))
      ++bad;
  }
  return bad;
}

}  // namespace

TEST_CASE("a changed active key enqueues one rotation job that rewraps tokens and raw payloads", "[pg][redis]") {
  JobWorld w({"k-old", "k-new"}, "k-old");
  fill(w);

  // Everything is under the active key: nothing to do.
  auto none = run_coro(w.io, jobs::enqueue_rotation_if_needed(*w.ctx));
  REQUIRE(none);
  CHECK(!none->has_value());

  w.activate("k-new");
  auto first = run_coro(w.io, jobs::enqueue_rotation_if_needed(*w.ctx));
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK(!(*first)->duplicate);
  // Start-up and a reload both asking: still one job.
  auto again = run_coro(w.io, jobs::enqueue_rotation_if_needed(*w.ctx));
  REQUIRE(again);
  REQUIRE(again->has_value());
  CHECK((*again)->duplicate);
  CHECK((*again)->job_id == (*first)->job_id);

  JobRunner runner(w, jobs::kKeyRotationQueue);
  runner.wait_reports(1);
  CHECK(runner.reports[0].id == (*first)->job_id);
  CHECK(runner.reports[0].outcome == queue::Outcome::completed);

  CHECK(wrong_rows(w, jobs::seller_tokens_table(), "k-new", token_of) == 0);
  CHECK(wrong_rows(w, jobs::raw_payloads_table(), "k-new", payload_of) == 0);

  auto events = run_coro(w.io, pg::list_audit(*w.pool, pg::AuditQuery{})).value();
  std::map<std::string, pg::AuditEvent> by_type;
  for (const auto& e : events)
    if (e.event.action == "keys.rotate") by_type[e.event.data_type] = e.event;
  REQUIRE(by_type.size() == 2);
  CHECK(by_type["tokens"].rows == kSellers);
  CHECK(by_type["tokens"].outcome == pg::AuditOutcome::success);
  CHECK(by_type["tokens"].detail.at("target_key") == "k-new");
  CHECK(by_type["raw_payloads"].rows == kPayloads);
  CHECK(by_type["raw_payloads"].detail.at("remaining") == 0);
  CHECK(by_type["raw_payloads"].actor == "instance:test-instance");
  // What monitoring sees: nothing left per table, and the keys duty's last success (set by the
  // duty plumbing around every handler) at the run's time; no other duty has succeeded.
  const std::string scraped = w.metrics.expose();
  CHECK_THAT(scraped, Catch::Contains("blazed_key_rotation_rows_remaining{table=\"seller_tokens\"} 0\n"));
  CHECK_THAT(scraped, Catch::Contains("blazed_key_rotation_rows_remaining{table=\"raw_payloads\"} 0\n"));
  CHECK_THAT(scraped, !Catch::Contains("{duty=\"sync\"}"));
  CHECK(w.metrics.gauge(jobs::kDutyLastSuccessMetric, "", {"duty"}).with({"keys"}).value() ==
        std::chrono::duration<double>(w.clock.now().time_since_epoch()).count());

  // Done: nothing left to enqueue, and an on-demand job runs again without rewriting anything.
  auto after = run_coro(w.io, jobs::enqueue_rotation_if_needed(*w.ctx));
  REQUIRE(after);
  CHECK(!after->has_value());
  auto manual = run_coro(w.io, jobs::enqueue_rotation(*w.ctx, "raw_payloads"));
  REQUIRE(manual);
  CHECK(!manual->duplicate);
  runner.wait_reports(2);
  CHECK(runner.reports[1].outcome == queue::Outcome::completed);
  CHECK(w.db.exec("SELECT rows FROM audit_events WHERE action = 'keys.rotate' AND data_type = 'raw_payloads' "
                  "ORDER BY id DESC LIMIT 1")[0][0] == std::optional<std::string>("0"));
}

TEST_CASE("an unreadable row makes the run partial and keeps its key referenced", "[pg][redis]") {
  JobWorld w({"k-old", "k-new"}, "k-new");
  fill(w);  // under k-new already
  // One token tampered with (a flipped bit in its ciphertext) and marked as under the old key.
  w.db.exec("UPDATE seller_tokens SET ciphertext = set_byte(ciphertext, 29, get_byte(ciphertext, 29) # 1), "
            "key_id = 'k-old' WHERE seller_id = 3");
  auto queued = run_coro(w.io, jobs::enqueue_rotation_if_needed(*w.ctx));
  REQUIRE(queued);
  REQUIRE(queued->has_value());

  JobRunner runner(w, jobs::kKeyRotationQueue);
  runner.wait_reports(1);
  CHECK(runner.reports[0].outcome == queue::Outcome::completed);
  auto rows = w.db.exec("SELECT outcome, rows, detail->>'failed' FROM audit_events "
                        "WHERE action = 'keys.rotate' AND data_type = 'tokens'");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0][0] == std::optional<std::string>("partial"));
  CHECK(rows[0][1] == std::optional<std::string>("0"));
  CHECK(rows[0][2] == std::optional<std::string>("1"));
  CHECK_THAT(w.metrics.expose(),
             Catch::Contains("blazed_key_rotation_rows_remaining{table=\"seller_tokens\"} 1\n"));
  // The unreadable row keeps its key id, so k-old stays referenced.
  CHECK(w.db.exec("SELECT key_id FROM seller_tokens WHERE seller_id = 3")[0][0] ==
        std::optional<std::string>("k-old"));
}

TEST_CASE("a payload naming an unknown table sends the job to dead at once", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  auto bad = run_coro(w.io, jobs::enqueue_rotation(*w.ctx, "orders"));
  REQUIRE(!bad);
  CHECK(bad.error().code == "bad_args");
  auto queued = run_coro(w.io, w.ctx->producer(jobs::kKeyRotationQueue)
                                   .enqueue(jobs::kKeyRotationJob, R"({"table":"orders"})"));
  REQUIRE(queued);
  JobRunner runner(w, jobs::kKeyRotationQueue);
  runner.wait_reports(1);
  CHECK(runner.reports[0].outcome == queue::Outcome::dead);
}

TEST_CASE("a keyring swapped mid-run stops the run; the retry retargets and no row mismatches its key_id", "[pg][redis]") {
  JobWorld w({"k-old", "k-new", "k-newer"}, "k-old");
  fill(w);
  w.activate("k-new");
  jobs::RotationOptions options;
  options.batch_size = 10;
  bool swapped = false;
  options.on_batch = [&](const jobs::RotationProgress&) {
    if (!std::exchange(swapped, true)) w.activate("k-newer");  // what a keyring reload would do
  };
  auto stopped = run_coro(w.io, jobs::rotate_table(*w.pool, *w.keyring, w.ctx->nonces,
                                                   jobs::seller_tokens_table(), options));
  REQUIRE(!stopped);
  CHECK(stopped.error().code == "rotation_key_changed");
  // Every row's key_id column still names the key in its header.
  long mismatched = 0;
  for (const auto& r : w.db.exec("SELECT encode(ciphertext, 'hex'), key_id FROM seller_tokens")) {
    auto info = crypto::inspect(*w.keyring, crypto::from_hex(*r[0]).value());
    if (!info || r[1] != std::optional<std::string>(info->key_id)) ++mismatched;
  }
  CHECK(mismatched == 0);
  CHECK(w.db.exec("SELECT count(*) FROM seller_tokens WHERE key_id = 'k-new'")[0][0] ==
        std::optional<std::string>("10"));

  auto resumed = run_coro(w.io, jobs::rotate_table(*w.pool, *w.keyring, w.ctx->nonces,
                                                   jobs::seller_tokens_table()));
  REQUIRE(resumed);
  CHECK(resumed->resumed);
  CHECK(resumed->remaining == 0);
  CHECK(wrong_rows(w, jobs::seller_tokens_table(), "k-newer", token_of) == 0);
}
