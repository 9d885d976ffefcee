// Tests the seller sync cadence on a real PostgreSQL and Redis with a manual clock: two daemons'
// passes share 10,000 sellers and enqueue each once per slot (none missed, none twice); sellers
// connected, deleted and re-authorized mid-round; the due times follow a change of interval; a
// completed sync moves the seller's due time; a pass says when the next seller is due; a slot's
// fence lives at most ten minutes.
#include "harness/catch_result.hpp"
#include "jobs/job_world.hpp"
#include "jobs/sync/sync_cadence.hpp"
#include "jobs/sync/sync_due.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <future>
#include <map>
#include <memory>
#include <string>

using namespace blazed;
using namespace blazed::testing;
using namespace blazed::jobs::sync;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// Counts the syncs enqueued per unique key ("sync:SELLER:SLOTMS") and per seller.
class CountingSink final : public schedule::JobSink {
 public:
  asio::awaitable<Result<queue::Enqueued>> enqueue(std::string_view, queue::NewJob job) override {
    ++per_key[job.options.unique_key];
    const auto seller = std::stoll(job.options.group.substr(job.options.group.find(':') + 1));
    ++per_seller[seller];
    ++total;
    co_return queue::Enqueued{static_cast<std::int64_t>(total), false};
  }
  std::map<std::string, int> per_key;
  std::map<std::int64_t, int> per_seller;
  std::size_t total = 0;
};

config::SyncCadenceConfig hourly() {
  config::SyncCadenceConfig c;
  c.interval = 1h;
  c.jitter = 1h;
  return c;
}

// A second daemon on the same PostgreSQL and Redis: its own connections.
struct OtherDaemon {
  std::unique_ptr<pg::PgPool> pool;
  std::unique_ptr<redis::RedisClient> redis;
  explicit OtherDaemon(JobWorld& w) {
    config::PostgresConfig pg_cfg;
    pg_cfg.dsn = w.db.dsn();
    pg_cfg.pool_size = 2;
    pool = std::make_unique<pg::PgPool>(w.io.get_executor(), pg_cfg, Secret{});
    redis = std::make_unique<redis::RedisClient>(w.io.get_executor(), w.redis_server.config());
    redis->start();
    REQUIRE(run_coro(w.io, redis->wait_connected(10s)).has_value());
  }
  ~OtherDaemon() {
    redis->stop();
    pool->stop();
  }
};

void add_sellers(JobWorld& w, int first, int last) {
  w.db.exec("INSERT INTO sellers (id, region) OVERRIDING SYSTEM VALUE SELECT i, 'na' FROM generate_series(" +
            std::to_string(first) + ", " + std::to_string(last) + ") AS i");
}

// Both cadences run a pass at once (their statements and Redis calls interleave); returns the
// passes' results.
std::vector<SellerCadence::Pass> race(JobWorld& w, std::vector<SellerCadence*> cadences) {
  std::vector<std::future<Result<SellerCadence::Pass>>> passes;
  for (auto* c : cadences) passes.push_back(asio::co_spawn(w.io, c->pass(), asio::use_future));
  w.io.restart();
  for (auto& p : passes)
    while (p.wait_for(0s) != std::future_status::ready) w.io.run_one();
  std::vector<SellerCadence::Pass> out;
  for (auto& p : passes) out.push_back(p.get().value());
  return out;
}

std::size_t enqueued(const std::vector<SellerCadence::Pass>& passes) {
  std::size_t n = 0;
  for (const auto& p : passes) n += p.enqueued;
  return n;
}

}  // namespace

TEST_CASE("two daemons enqueue each of 10,000 sellers once per slot, and sleep until the next is due", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  OtherDaemon other(w);
  constexpr int kSellers = 10'000;
  add_sellers(w, 1, kSellers);
  CountingSink sink;
  SellerCadence a(*w.pool, *w.redis, sink, w.clock, {hourly(), "seller_sync", "sync", "a", 500});
  SellerCadence b(*other.pool, *other.redis, sink, w.clock, {hourly(), "seller_sync", "sync", "b", 500});
  REQUIRE(run_coro(w.io, a.align()));
  REQUIRE(run_coro(w.io, b.align()));

  // Never synced: every seller is due now, once, whichever daemon takes it.
  const auto first = race(w, {&a, &b});
  CHECK(enqueued(first) == kSellers);
  CHECK(first[0].enqueued > 0);  // the work is shared
  CHECK(first[1].enqueued > 0);
  CHECK(sink.per_seller.size() == kSellers);
  for (const auto& [key, n] : sink.per_key) REQUIRE(n == 1);

  // The next due time is the earliest next slot of any seller: the cadence sleeps until then.
  auto earliest = next_slot(1, w.clock.now(), hourly());
  for (std::int64_t id = 2; id <= kSellers; ++id) earliest = std::min(earliest, next_slot(id, w.clock.now(), hourly()));
  CHECK(enqueued(race(w, {&a, &b})) == 0);  // the same slots again: nothing
  CHECK(run_coro(w.io, a.pass()).value().next_due == earliest);
  CHECK(run_coro(w.io, b.pass()).value().next_due == earliest);

  // Over the next hour, in one-minute steps, each seller comes due once more at its own slot.
  const auto start = w.clock.now();
  std::size_t later = 0;
  while (w.clock.now() < start + 1h) {
    w.clock.advance(1min);
    later += enqueued(race(w, {&a, &b}));
    // Once both passes are done, nothing is due before the next due time. (During a race, one
    // may see the other's locked batch still due: the loop's shortest sleep covers that.)
    const auto after = run_coro(w.io, a.pass()).value();
    CHECK(after.enqueued == 0);
    CHECK(after.next_due.value() > w.clock.now());
  }
  CHECK(later == kSellers);
  REQUIRE(sink.per_seller.size() == kSellers);
  for (const auto& [seller, n] : sink.per_seller) REQUIRE(n == 2);
  for (const auto& [key, n] : sink.per_key) REQUIRE(n == 1);
}

TEST_CASE("a seller connected, deleted or re-authorized mid-round", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  add_sellers(w, 1, 200);
  CountingSink sink;
  SellerCadence cadence(*w.pool, *w.redis, sink, w.clock, {hourly(), "seller_sync", "sync", "a", 50});
  REQUIRE(run_coro(w.io, cadence.align()));
  CHECK(run_coro(w.io, cadence.pass()).value().enqueued == 200);

  // Half an hour on, sellers whose slot is in the second half have not come due again yet.
  w.clock.advance(30min);
  (void)run_coro(w.io, cadence.pass()).value();
  std::int64_t deleted = 0, reauthorized = 0;
  for (std::int64_t id = 1; id <= 200 && (!deleted || !reauthorized); ++id) {
    if (next_slot(id, w.clock.now(), hourly()) > w.clock.now() + 10min && sink.per_seller[id] == 1) {
      (deleted ? reauthorized : deleted) = id;
    }
  }
  REQUIRE(deleted != 0);
  REQUIRE(reauthorized != 0);

  add_sellers(w, 201, 201);  // connected
  w.db.exec("UPDATE sellers SET status = 'deleting' WHERE id = " + std::to_string(deleted));
  w.db.exec("DELETE FROM sellers WHERE id = " + std::to_string(deleted));
  w.db.exec("UPDATE sellers SET status = 'needs_reauth' WHERE id = " + std::to_string(reauthorized));
  w.db.exec("UPDATE sellers SET status = 'active' WHERE id = " + std::to_string(reauthorized));
  w.clock.advance(1s);
  const auto before = sink.per_seller;
  const auto pass = run_coro(w.io, cadence.pass()).value();
  // The new and the re-authorized seller at once, though the latter's slot has not come.
  CHECK(sink.per_seller[201] == 1);
  CHECK(sink.per_seller[reauthorized] == 2);
  CHECK(pass.enqueued >= 2);

  // Over the next hour the deleted seller never again; the new one once more, at its slot.
  for (int step = 0; step < 60; ++step) {
    w.clock.advance(1min);
    (void)run_coro(w.io, cadence.pass()).value();
  }
  CHECK(sink.per_seller[deleted] == before.at(deleted));
  CHECK(sink.per_seller[201] == 2);
  for (const auto& [key, n] : sink.per_key) REQUIRE(n <= 2);  // the re-authorized slot: twice at most
  CHECK(w.db.exec("SELECT count(*) FROM sync_due").at(0).at(0).value() == "200");
}

TEST_CASE("a slot's fence lives at most ten minutes; a seller due now takes none", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  add_sellers(w, 1, 1);
  CountingSink sink;
  SellerCadence cadence(*w.pool, *w.redis, sink, w.clock, {hourly(), "seller_sync", "sync", "a", 50});
  const auto fences = [&] {
    return run_coro(w.io, w.redis->command(redis::Args{"KEYS", "{sync:1}:fence:*"})).value().elements();
  };
  CHECK(run_coro(w.io, cadence.pass()).value().enqueued == 1);
  CHECK(fences().empty());
  w.clock.advance(1h);
  CHECK(run_coro(w.io, cadence.pass()).value().enqueued == 1);
  const auto keys = fences();
  REQUIRE(keys.size() == 1);
  const auto ttl = run_coro(w.io, w.redis->command(redis::Args{"PTTL", keys[0].str()})).value().as_integer();
  CHECK(ttl > 0);
  CHECK(ttl <= 600'000);
}

TEST_CASE("a seller leaving active is no longer scheduled; a due-now request reschedules only active sellers", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  add_sellers(w, 1, 3);
  w.db.exec("UPDATE sellers SET status = 'disconnected' WHERE id = 1");
  w.db.exec("UPDATE sellers SET status = 'needs_reauth' WHERE id = 2");
  CHECK(w.db.exec("SELECT seller_id FROM sync_due").at(0).at(0).value() == "3");
  REQUIRE(run_coro(w.io, mark_seller_due_now(*w.pool, 1)));
  CHECK(w.db.exec("SELECT count(*) FROM sync_due").at(0).at(0).value() == "1");
  w.db.exec("UPDATE sync_due SET due_ms = 99");
  REQUIRE(run_coro(w.io, mark_seller_due_now(*w.pool, 3)));
  CHECK(w.db.exec("SELECT due_ms FROM sync_due WHERE seller_id = 3").at(0).at(0).value() == "0");
}

TEST_CASE("a completed sync moves the due time to the seller's next slot; a later one stays", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  add_sellers(w, 1, 1);
  const auto next = unix_millis(next_slot(1, w.clock.now(), hourly()));
  REQUIRE(run_coro(w.io, record_seller_synced(*w.pool, 1, next)));
  CHECK(w.db.exec("SELECT due_ms FROM sync_due").at(0).at(0).value() == std::to_string(next));
  REQUIRE(run_coro(w.io, record_seller_synced(*w.pool, 1, next - 5)));
  CHECK(w.db.exec("SELECT due_ms FROM sync_due").at(0).at(0).value() == std::to_string(next));
}

TEST_CASE("due times follow a change of interval, recomputed from the last syncs", "[pg][redis]") {
  JobWorld w({"k1"}, "k1");
  add_sellers(w, 1, 2);
  // Seller 1 synced a minute ago, seller 2 never.
  w.db.exec("INSERT INTO sync_state (seller_id, data_type, last_success_at) VALUES (1, 'orders', to_timestamp(" +
            std::to_string(unix_millis(w.clock.now()) / 1000 - 60) + "))");
  CountingSink sink;
  auto daily = hourly();
  daily.interval = 24h;
  daily.jitter = 24h;
  for (const auto& cadence : {hourly(), daily}) {
    SellerCadence c(*w.pool, *w.redis, sink, w.clock, {cadence, "seller_sync", "sync", "a", 50});
    REQUIRE(run_coro(w.io, c.align()));
    const auto last = w.clock.now() - 60s;
    CHECK(w.db.exec("SELECT due_ms FROM sync_due WHERE seller_id = 1").at(0).at(0).value() ==
          std::to_string(unix_millis(next_slot(1, last, cadence))));
    CHECK(w.db.exec("SELECT due_ms FROM sync_due WHERE seller_id = 2").at(0).at(0).value() == "0");
    CHECK(w.db.exec("SELECT interval_ms FROM sync_due_config").at(0).at(0).value() ==
          std::to_string(cadence.interval.count()));
  }
}
