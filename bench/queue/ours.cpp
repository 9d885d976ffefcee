// Owns the blazed side of the bench: producer batches, one processor, and the measurements.
#include "ours.hpp"

#include "queue/processor.hpp"
#include "queue/producer.hpp"
#include "redis/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <stdexcept>

namespace blazed::bench {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

template <class T>
T run(asio::io_context& io, asio::awaitable<T> a) {
  auto f = asio::co_spawn(io, std::move(a), asio::use_future);
  while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
  return f.get();
}

template <class Pred>
void run_until(asio::io_context& io, Pred done) {
  while (!done()) io.run_one();
}

redis::Reply must(Result<redis::Reply> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

// Enqueues n no-op jobs in batches of 1000, four batches in flight (as BullMQ's addBulk side).
void enqueue_all(asio::io_context& io, queue::Producer& producer, int n) {
  constexpr int batch = 1000;
  int next = 0;
  int done_batches = 0;
  const int batches = (n + batch - 1) / batch;
  for (int w = 0; w < 4; ++w) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          while (next < n) {
            int from = next;
            int to = std::min(n, from + batch);
            next = to;
            std::vector<queue::NewJob> jobs(static_cast<std::size_t>(to - from),
                                            queue::NewJob{"noop", "{}", {}});
            auto r = co_await producer.enqueue_batch(jobs);
            if (!r) throw std::runtime_error("enqueue failed: " + r.error().message);
            ++done_batches;
          }
        },
        asio::detached);
  }
  run_until(io, [&] { return done_batches == batches; });
}

}  // namespace

Figures run_ours(const Params& p) {
  Figures fig;
  fig.name = "blazed";
  asio::io_context io;
  config::RedisConfig cfg;
  cfg.url = p.url;
  cfg.tls_ca_file = p.tls_ca_file;
  cfg.command_timeout = std::chrono::seconds(30);
  redis::RedisClient client(io.get_executor(), cfg);
  redis::RedisClient waiter(io.get_executor(), cfg);
  client.start();
  waiter.start();
  if (!run(io, client.wait_connected(std::chrono::seconds(10))) ||
      !run(io, waiter.wait_connected(std::chrono::seconds(10))))
    throw std::runtime_error("redis not reachable at " + p.url);
  must(run(io, client.command({"FLUSHALL"})), "FLUSHALL");

  const auto& clock = SystemClock::instance();
  auto keys = queue::QueueKeys::make("bench").value();
  queue::Producer producer(client, keys, clock);

  // Warm-up, not measured: a fresh redis-server pays page faults for its first N jobs, and
  // BullMQ, which runs second on the same server, would not; so both run on a warmed server.
  enqueue_all(io, producer, p.n);
  must(run(io, client.command({"FLUSHALL"})), "FLUSHALL");

  // Phase 1: enqueue N no-op jobs in batches of 1000, four batches in flight.
  auto t0 = steady::now();
  enqueue_all(io, producer, p.n);
  fig.enqueue_per_s = p.n / seconds_since(t0);
  fig.rss_queued_mb = rss_mb();

  // Phase 2: process them with concurrency C.
  must(run(io, client.command({"CONFIG", "RESETSTAT"})), "CONFIG RESETSTAT");
  auto sent_before = client.stats().commands + waiter.stats().commands;
  int processed = 0;
  bool light = false;
  std::vector<double> latencies;
  queue::Handlers handlers;
  handlers.add("noop", {[&](const queue::Job& j) -> asio::awaitable<queue::HandlerOutcome> {
                 if (light) latencies.push_back(static_cast<double>(now_us() - std::stoll(j.payload)) / 1000.0);
                 co_return Status{};
               }});
  queue::ProcessorOptions opts;
  opts.concurrency = p.concurrency;
  opts.claim_batch = std::min(p.concurrency, 1000);
  queue::Processor processor(client, waiter, keys, std::move(handlers), opts, clock);
  processor.on_report([&](const queue::RunReport&) { ++processed; });
  auto t1 = steady::now();
  processor.start();
  run_until(io, [&] { return processed == p.n; });
  fig.processed_per_s = p.n / seconds_since(t1);
  auto sent = client.stats().commands + waiter.stats().commands - sent_before;
  auto stats = parse_commandstats(must(run(io, client.command({"INFO", "commandstats"})), "INFO").str());
  fig.commands_per_job = static_cast<double>(total_calls(stats)) / p.n;
  fig.top_level_per_job = static_cast<double>(top_level_calls(stats)) / p.n;
  fig.redis_us_per_job = static_cast<double>(top_level_usec(stats)) / p.n;
  fig.round_trips_per_job = static_cast<double>(sent) / p.n;

  // Phase 3: light load: one job at a time, each enqueued once the previous one has run.
  light = true;
  for (int i = 0; i < p.light; ++i) {
    auto before = latencies.size();
    auto r = run(io, producer.enqueue("noop", std::to_string(now_us())));
    if (!r) throw std::runtime_error("enqueue failed: " + r.error().message);
    run_until(io, [&] { return latencies.size() > before; });
  }
  fig.pickup_p50_ms = percentile(latencies, 50);
  fig.pickup_p99_ms = percentile(latencies, 99);
  run(io, processor.stop(std::chrono::seconds(5)));
  fig.rss_peak_mb = peak_rss_mb();
  client.stop();
  waiter.stop();
  return fig;
}

}  // namespace blazed::bench
