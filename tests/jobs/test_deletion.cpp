// Tests the account deletion on real PostgreSQL and Redis: sellers.delete marks the seller
// deleting and deletes its token at once; the job deletes every row of that seller in batches and
// its Redis jobs and keys, leaves other sellers untouched, runs again harmlessly, and leaves a
// record without PII; a seller with 100,000 rows deleted while its sync keeps committing pages
// (nothing of it survives, the sync ends); the web app's requests are picked up, deadlines and
// overdue counted; an unknown seller and a second deletion are refused.
#include "control/registry.hpp"
#include "harness/catch_result.hpp"
#include "jobs/deletion/deletion_commands.hpp"
#include "jobs/deletion/deletion_job.hpp"
#include "jobs/deletion/deletion_metrics.hpp"
#include "jobs/job_world.hpp"
#include "jobs/sync/sync_store.hpp"
#include "queue/inspector.hpp"
#include "queue/keys.hpp"

#include <boost/asio/detached.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

using namespace blazed;
using namespace blazed::testing;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr long kRows = 12'000;  // more than two batches per table

struct World {
  JobWorld w{{"k1"}, "k1"};
  control::CommandRegistry registry;
  World() { REQUIRE(jobs::deletion::register_deletion_commands(registry, *w.ctx)); }

  Result<json::value> call(const std::string& name, json::object args = {}) {
    return w.call(registry, name, std::move(args));
  }
  std::int64_t count(const std::string& sql) { return std::stoll(*w.db.exec(sql).at(0).at(0)); }

  // A seller with a token and `rows` orders, items, transactions and raw payloads, and sync state.
  void seller(long rows) {
    const std::string n = std::to_string(rows);
    auto id = *w.db.exec("INSERT INTO sellers (region) VALUES ('na') RETURNING id").at(0).at(0);
    w.db.exec("INSERT INTO seller_tokens (seller_id, ciphertext, key_id) VALUES (" + id + ", '\\x00', 'k1')");
    w.db.exec("INSERT INTO orders (seller_id, order_id, marketplace_id, sales_channel, status, fulfilled_by, "
              "created_time, last_updated_time, synced_at) SELECT " + id + ", 'o' || g, 'M', 'Amazon.com', 'S', "
              "'AMAZON', now(), now(), now() FROM generate_series(1, " + n + ") g");
    w.db.exec("INSERT INTO order_items (seller_id, order_id, order_item_id, asin, seller_sku, quantity_ordered) "
              "SELECT " + id + ", 'o' || g, 'i' || g, 'A', 'S', 1 FROM generate_series(1, " + n + ") g");
    w.db.exec("INSERT INTO transactions (seller_id, transaction_id, transaction_type, transaction_status, "
              "description, marketplace_id, account_type, synced_at) SELECT " + id + ", 't' || g, 'Shipment', "
              "'Released', 'Order', 'M', 'Standard', now() FROM generate_series(1, " + n + ") g");
    w.db.exec("SELECT raw_payloads_ensure_partition(current_date)");
    w.db.exec("INSERT INTO raw_payloads (id, seller_id, data_type, received_at, key_id, ciphertext) "
              "SELECT nextval('raw_payloads_id_seq'), " + id + ", 'orders', now(), 'k1', '\\x00' "
              "FROM generate_series(1, " + n + ") g");
    w.db.exec("INSERT INTO sync_state (seller_id, data_type) VALUES (" + id + ", 'orders'), (" + id +
              ", 'transactions')");
  }
  std::int64_t rows_of(const std::string& seller) {
    std::int64_t total = 0;
    for (const char* t : {"seller_tokens", "orders", "order_items", "transactions", "raw_payloads", "sync_state"})
      total += count(std::string("SELECT count(*) FROM ") + t + " WHERE seller_id = " + seller);
    return total + count("SELECT count(*) FROM sellers WHERE id = " + seller);
  }

  void redis(std::initializer_list<std::string_view> args) {
    REQUIRE(run_coro(w.io, w.redis->command(redis::Args(args))).has_value());
  }
  std::int64_t keys(const std::string& pattern) {
    auto r = run_coro(w.io, w.redis->command(redis::Args{"KEYS", pattern}));
    REQUIRE(r.has_value());
    return static_cast<std::int64_t>(r->size());
  }
  std::int64_t enqueue_sync(std::int64_t seller, const std::string& data) {
    queue::EnqueueOptions o;
    o.unique_key = "sync:" + std::to_string(seller) + ":" + data;
    o.group = "seller:" + std::to_string(seller);
    const std::string payload = json::serialize(json::object{{"seller_id", seller}, {"data", data}});
    auto q = run_coro(w.io, w.ctx->producer("sync").enqueue("seller_sync", payload, o));
    REQUIRE(q.has_value());
    return q->id;
  }
  std::vector<std::string> queued_payloads() {
    queue::Inspector inspector(*w.redis, queue::QueueKeys::make("sync").value());
    auto page = run_coro(w.io, inspector.list(queue::State::pending, 0, 100));
    REQUIRE(page.has_value());
    std::vector<std::string> out;
    for (const auto& j : page->jobs) out.push_back(j.type + " " + j.payload);
    return out;
  }
};

// A sync of one seller that does not look at the seller's status: it commits pages of one order
// each, and after a failed commit records the error and begins again (as its next data type or a
// retry would), until it cannot begin any more.
struct RunawaySync {
  long committed = 0;
  long failed_commits = 0;
  bool ended = false;
  std::string ended_with;
};
asio::awaitable<void> run_runaway_sync(jobs::sync::SyncStore& store, const Clock& clock, std::int64_t seller,
                                       RunawaySync& out) {
  const jobs::SyncWindow window{clock.now() - std::chrono::hours(1), clock.now()};
  std::vector<spapi::Order> orders(1);
  orders[0].marketplace_id = "M";
  orders[0].sales_channel = "AMAZON";
  orders[0].created_time = clock.now();
  orders[0].last_updated_time = clock.now();
  while (true) {
    if (auto begun = co_await store.begin_run(seller, jobs::sync::DataType::orders, window); !begun) {
      out.ended_with = begun.error().code;
      break;
    }
    while (true) {
      orders[0].order_id = "late-" + std::to_string(out.committed);
      jobs::sync::PageToStore page;
      page.orders = &orders;
      page.raw = R"({"orders":[{"buyer":"someone"}]})";
      page.request_id = "late-" + std::to_string(out.committed);
      page.next_token = "next";
      auto written = co_await store.commit_page(seller, page);
      if (!written) {
        ++out.failed_commits;
        (void)co_await store.record_error(seller, jobs::sync::DataType::orders, written.error());
        break;
      }
      ++out.committed;
    }
  }
  out.ended = true;
}

}  // namespace

TEST_CASE("a seller with 100,000 rows is deleted while its sync commits pages: nothing of it survives",
          "[pg][redis]") {
  World t;
  t.seller(100'000);  // seller 1
  t.seller(100);      // seller 2
  t.enqueue_sync(1, "orders");
  t.enqueue_sync(2, "orders");
  t.redis({"HSET", queue::rate_limit_key(1, "searchOrders"), "tokens", "1"});
  t.redis({"HSET", queue::rate_limit_key(2, "searchOrders"), "tokens", "1"});
  const auto seller2_rows = t.rows_of("2");

  jobs::sync::SyncStore store(*t.w.pool, t.w.clock, *t.w.keyring, crypto::random_nonces(), "runaway-sync");
  RunawaySync sync;
  asio::co_spawn(t.w.io, run_runaway_sync(store, t.w.clock, 1, sync), asio::detached);

  auto asked = t.call("sellers.delete", {{"seller_id", 1}});
  REQUIRE(asked.has_value());
  const long before_job = sync.committed;
  auto done = run_coro(t.w.io, jobs::deletion::run_deletion(*t.w.ctx, asked->at("request_id").as_int64(),
                                                            asked->at("job_id").as_int64()));
  REQUIRE(done.has_value());
  CHECK(sync.committed > before_job);  // pages did commit while the job deleted

  // The sync ends by itself: its seller is gone, so it can neither commit nor begin again.
  REQUIRE(run_until(t.w.io, [&] { return sync.ended; }));
  CHECK(sync.failed_commits >= 1);
  CAPTURE(sync.ended_with);
  CHECK(t.rows_of("1") == 0);
  CHECK(t.count("SELECT count(*) FROM raw_payloads WHERE seller_id = 1") == 0);
  CHECK(t.count("SELECT count(*) FROM orders WHERE order_id LIKE 'late-%'") == 0);
  CHECK(t.keys("{rl:1}:*") + t.keys("{sync:1}:*") + t.keys("{q:sync}:unique:sync:1:*") == 0);
  CHECK(t.rows_of("2") == seller2_rows);
  CHECK(t.keys("{rl:2}:*") == 1);
  auto queued = t.queued_payloads();
  CHECK(std::count_if(queued.begin(), queued.end(), [](const auto& p) {
          return p.find("\"seller_id\":1") != std::string::npos;
        }) == 1);  // the deletion's own job, spared while it runs
  // Every row deleted is counted once, the late pages' raw payloads included.
  CHECK(done->rows_deleted.at("raw_payloads").as_int64() >= 100'000);
  CHECK(done->rows_deleted.at("order_items").as_int64() == 100'000);
}

TEST_CASE("a seller's account is deleted: every row and Redis key of it, nobody else's", "[pg][redis]") {
  World t;
  t.seller(kRows);  // seller 1
  t.seller(100);    // seller 2
  t.enqueue_sync(1, "orders");
  t.enqueue_sync(2, "orders");
  t.redis({"HSET", queue::rate_limit_key(1, "searchOrders"), "tokens", "1"});
  t.redis({"SET", queue::seller_slot_fence_key(1, 12345), "instance"});
  t.redis({"HSET", queue::rate_limit_key(2, "searchOrders"), "tokens", "1"});

  auto asked = t.call("sellers.delete", {{"seller_id", 1}});
  REQUIRE(asked.has_value());
  const auto request_id = asked->at("request_id").as_int64();
  CHECK(asked->at("status") == "deleting");
  CHECK(asked->at("job_id").is_int64());
  // The token goes at once; the seller stops being synced.
  CHECK(t.count("SELECT count(*) FROM seller_tokens WHERE seller_id = 1") == 0);
  CHECK(*t.w.db.exec("SELECT status FROM sellers WHERE id = 1").at(0).at(0) == "deleting");

  // Deleting twice, and an unknown seller: refused, nothing changed.
  auto twice = t.call("sellers.delete", {{"seller_id", 1}});
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().code == "deletion_already_requested");
  auto unknown = t.call("sellers.delete", {{"seller_id", 999}});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == "seller_not_found");
  CHECK(t.count("SELECT count(*) FROM deletion_requests") == 1);
  CHECK_THAT(twice.error().message, Catch::Contains("seller 1") && Catch::Contains("already"));
  CHECK_THAT(unknown.error().message, Catch::Contains("999"));
  // Nothing lost by the refusals: seller 1 still has all but its token, seller 2 everything.
  CHECK(t.rows_of("1") == 4 * kRows + 2 + 1);
  CHECK(t.rows_of("2") == 1 + 4 * 100 + 2 + 1);
  CHECK(*t.w.db.exec("SELECT status FROM sellers WHERE id = 2").at(0).at(0) == "active");

  auto done = run_coro(t.w.io, jobs::deletion::run_deletion(*t.w.ctx, request_id, asked->at("job_id").as_int64()));
  REQUIRE(done.has_value());
  CHECK(done->completed_at.has_value());
  CHECK(t.rows_of("1") == 0);
  CHECK(t.rows_of("2") == 1 + 4 * 100 + 2 + 1);
  const json::object expected{{"seller_tokens", 1}, {"order_items", kRows}, {"orders", kRows},
                              {"transactions", kRows}, {"raw_payloads", kRows}, {"sync_state", 2}, {"sellers", 1}};
  CHECK(done->rows_deleted == expected);

  // Redis: seller 1's queued sync and keys are gone (the deletion's own job is spared); seller 2's stay.
  CHECK(t.keys("{rl:1}:*") == 0);
  CHECK(t.keys("{sync:1}:*") == 0);
  CHECK(t.keys("{rl:2}:*") == 1);
  CHECK(t.keys("{q:sync}:unique:sync:1:*") == 0);
  CHECK(t.keys("{q:sync}:unique:sync:2:*") == 1);
  auto queued = t.queued_payloads();
  CHECK(std::count_if(queued.begin(), queued.end(), [](const auto& p) { return p.starts_with("seller_sync"); }) == 1);
  CHECK(std::count_if(queued.begin(), queued.end(), [](const auto& p) {
          return p.find("\"seller_id\":2") != std::string::npos;
        }) == 1);

  // The record: times and counts, no PII; the audit trail has the request and the completion.
  CHECK(t.count("SELECT count(*) FROM audit_events WHERE action = 'sellers.delete' AND seller_id = 1") == 1);
  CHECK(t.count("SELECT rows FROM audit_events WHERE action = 'deletion.completed' AND seller_id = 1") ==
        4 * kRows + 2 + 1 + 1);

  // Again: nothing to do, nothing fails; and the seller is now unknown.
  auto again = run_coro(t.w.io, jobs::deletion::run_deletion(*t.w.ctx, request_id, 0));
  REQUIRE(again.has_value());
  CHECK(t.count("SELECT count(*) FROM audit_events WHERE action = 'deletion.completed'") == 1);
  auto after = t.call("sellers.delete", {{"seller_id", 1}});
  REQUIRE_FALSE(after.has_value());
  CHECK(after.error().code == "seller_not_found");

  auto list = t.call("deletions.list");
  REQUIRE(list.has_value());
  CHECK(list->at("pending") == 0);
  const auto& entry = list->at("deletions").as_array().at(0);
  CHECK(entry.at("state") == "completed");
  CHECK(entry.at("overdue") == false);
  CHECK(entry.at("requested_by") == "uid:1234");
}

TEST_CASE("the web app's requests are picked up; deadlines in business days, overdue counted", "[pg][redis]") {
  World t;
  t.seller(10);  // seller 1
  // 2023-11-14 is a Tuesday: 7 business days later is Thursday 2023-11-23 (no holidays configured).
  t.w.db.exec("INSERT INTO deletion_requests (seller_id, requested_at) VALUES (1, '2023-11-14 22:13:20+00')");
  t.w.db.exec("INSERT INTO deletion_requests (seller_id, requested_at) VALUES (77, '2023-11-14 22:13:20+00')");
  REQUIRE(run_coro(t.w.io, jobs::deletion::process_requests(*t.w.ctx)).has_value());

  CHECK(*t.w.db.exec("SELECT status FROM sellers WHERE id = 1").at(0).at(0) == "deleting");
  CHECK(t.count("SELECT count(*) FROM seller_tokens") == 0);
  CHECK(*t.w.db.exec("SELECT deadline = '2023-11-23 22:13:20+00' FROM deletion_requests WHERE seller_id = 1")
             .at(0).at(0) == "t");
  // A request for a seller blazed does not know completes with nothing to delete.
  CHECK(t.count("SELECT count(*) FROM deletion_requests WHERE seller_id = 77 AND completed_at IS NOT NULL") == 1);
  auto queued = t.queued_payloads();
  REQUIRE(queued.size() == 1);
  CHECK(queued[0].starts_with("seller_deletion"));
  CHECK_THAT(t.w.metrics.expose(), Catch::Contains("blazed_deletions_pending 1\n"));
  CHECK_THAT(t.w.metrics.expose(), Catch::Contains("blazed_deletions_overdue 0\n"));

  // Ten days later (past the deadline) it is still open: overdue, and queued once only.
  t.w.clock.advance(std::chrono::hours(24 * 10));
  REQUIRE(run_coro(t.w.io, jobs::deletion::process_requests(*t.w.ctx)).has_value());
  CHECK_THAT(t.w.metrics.expose(), Catch::Contains("blazed_deletions_overdue 1\n"));
  CHECK(t.queued_payloads().size() == 1);
  auto list = t.call("deletions.list");
  REQUIRE(list.has_value());
  CHECK(list->at("pending") == 1);
  CHECK(list->at("overdue") == 1);
}
