// Owns the queue tests' fixture: a real redis-server, a ManualClock, clients, a producer and
// helpers to run processors and wait for the events they report.
#pragma once

#include "harness/redis_printers.hpp"
#include "harness/redis_server.hpp"
#include "harness/run_coro.hpp"
#include "queue/forwarder.hpp"
#include "queue/inspector.hpp"
#include "queue/processor.hpp"
#include "queue/producer.hpp"
#include "queue/recoverer.hpp"
#include "redis/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace blazed::queue::test {

using namespace std::chrono_literals;
namespace asio = boost::asio;

// A handler's way to block until the test lets it go, or until it is cancelled.
class Gate {
 public:
  explicit Gate(asio::io_context& io) : timer_(io, asio::steady_timer::time_point::max()) {}
  void open() {
    opened_ = true;
    timer_.cancel();
  }
  // True when opened, false when the waiting coroutine was cancelled.
  asio::awaitable<bool> wait() {
    if (!opened_) co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return opened_;
  }

 private:
  asio::steady_timer timer_;
  bool opened_ = false;
};

// A Redis connection pair (commands + idle waiter) as one daemon instance would have.
struct Connections {
  redis::RedisClient client;
  redis::RedisClient waiter;
  Connections(asio::io_context& io, const config::RedisConfig& cfg)
      : client(io.get_executor(), cfg), waiter(io.get_executor(), cfg) {
    client.start();
    waiter.start();
    REQUIRE(testing::run_coro(io, client.wait_connected(10s)));
    REQUIRE(testing::run_coro(io, waiter.wait_connected(10s)));
  }
};

struct QueueFixture {
  testing::RedisServer server;
  asio::io_context io;
  ManualClock clock;
  QueueKeys keys = QueueKeys::make("test").value();
  Connections conn{io, server.config()};
  Producer producer{conn.client, keys, clock};
  Inspector inspector{conn.client, keys};
  Recoverer recoverer{conn.client, keys, clock, 1h, LeaseClock{&clock}};
  Forwarder forwarder{conn.client, keys, clock, 1h};
  std::vector<RunReport> reports;

  // Options that leave every timer-driven duty to the test (heartbeat, recovery, forwarding).
  static ProcessorOptions options(int concurrency = 4) {
    ProcessorOptions o;
    o.concurrency = concurrency;
    o.claim_batch = 16;
    o.lease = 30s;
    o.heartbeat_interval = 1h;
    o.idle_wait = 1s;
    return o;
  }

  // `local`: the instance's own clock (default: the test's clock, which also judges leases).
  std::unique_ptr<Processor> processor(Handlers h, ProcessorOptions o = options(),
                                       Connections* c = nullptr, const Clock* local = nullptr) {
    Connections& cc = c != nullptr ? *c : conn;
    // Leases on the test's clock unless the test chose another.
    if (o.lease_clock.manual == nullptr) o.lease_clock.manual = &clock;
    auto p = std::make_unique<Processor>(cc.client, cc.waiter, keys, std::move(h), o,
                                         local != nullptr ? *local : clock);
    p->on_report([this](const RunReport& r) { reports.push_back(r); });
    p->start();
    return p;
  }

  template <class T>
  T run(asio::awaitable<T> a) {
    return testing::run_coro(io, std::move(a));
  }
  template <class Pred>
  void wait_for(Pred pred) {
    REQUIRE(testing::run_until(io, pred));
  }
  void wait_reports(std::size_t n) {
    wait_for([&] { return reports.size() >= n; });
  }

  std::int64_t enqueue(std::string type, std::string payload = "{}", EnqueueOptions o = {}) {
    auto r = run(producer.enqueue(std::move(type), std::move(payload), std::move(o)));
    REQUIRE(r);
    return r->id;
  }
  Depths depths() { return run(inspector.depths()).value(); }
  std::optional<State> state(std::int64_t id) { return run(inspector.state_of(id)).value(); }
  // The newest dead job is `id`, dead for `reason`.
  void check_newest_dead(std::int64_t id, const std::string& reason) {
    auto dead = run(inspector.dead_jobs(1)).value();
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].id == id);
    CHECK(dead[0].reason == reason);
  }
  redis::Reply cmd(redis::Args a) { return run(conn.client.command(std::move(a))).value(); }

  // Job `id` has a stale run waiting at `stale` and its current run at `current`. The stale run
  // finishes first: its ack is refused (lease_lost) and the job stays active; then the current
  // run finishes and completes it.
  void finish_stale_then_current(Gate& stale, Gate& current, std::int64_t id) {
    const std::size_t seen = reports.size();
    stale.open();
    wait_reports(seen + 1);
    CHECK(reports[seen].outcome == Outcome::lease_lost);
    CHECK(state(id) == State::active);
    current.open();
    wait_reports(seen + 2);
    CHECK(reports[seen + 1].outcome == Outcome::completed);
    CHECK(state(id) == std::nullopt);
  }
};

// A handler that runs until `gate` opens (success) or it is cancelled (`*cancelled` set).
inline Handler gated(Gate& gate, bool* cancelled = nullptr) {
  return [&gate, cancelled](const Job&) -> asio::awaitable<queue::HandlerOutcome> {
    bool opened = co_await gate.wait();
    if (cancelled != nullptr) *cancelled = !opened;
    co_return Status{};
  };
}

inline Handler ok_handler(std::vector<std::int64_t>* seen = nullptr) {
  return [seen](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
    if (seen != nullptr) seen->push_back(j.id);
    co_return Status{};
  };
}

}  // namespace blazed::queue::test
