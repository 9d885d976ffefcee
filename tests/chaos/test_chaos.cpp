// Owns the chaos drill: three daemons sync six sellers from the local SP-API server, run queue
// probes and a key rotation, while a driver drawing from a seeded PRNG SIGKILLs and restarts
// daemons, restarts Redis and PostgreSQL, moves a daemon's wall clock ahead, and makes the SP-API
// fail or stall; a PII purge runs every 15 steps. Once the chaos stops and the daemons settle: no
// job lost, no row duplicated, every ciphertext opens, no cursor went back, no seller synced by two
// runs at once, every seller synced again, every daemon ready. BLAZED_CHAOS_SEED replays a run's actions; BLAZED_CHAOS_STEPS sets how many (default 90).
#include "chaos/chaos_world.hpp"
#include "harness/eventually.hpp"
#include "harness/run_coro.hpp"
#include "jobs/queue_probe/queue_probe_job.hpp"
#include "queue/keys.hpp"
#include "queue/producer.hpp"
#include "redis/client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

using namespace blazed;
using namespace blazed::testing;
using namespace blazed::testing::chaos;
using namespace std::chrono_literals;

namespace {

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::stoull(v) : fallback;
}

// Every action goes to stdout as it happens (ctest keeps it) and into the failure report.
class ActionLog {
 public:
  void operator()(const std::string& line) {
    const auto t = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_);
    std::ostringstream s;
    s << "[chaos +" << t.count() / 1000 << "." << (t.count() % 1000) / 100 << "s] " << line;
    std::cout << s.str() << std::endl;
    lines_ += s.str() + "\n";
  }
  [[nodiscard]] const std::string& text() const { return lines_; }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::string lines_;
};

// The PRNG's draws, spelled out so a seed means the same actions on every standard library.
class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t below(std::uint64_t n) { return rng_() % n; }
  int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<std::uint64_t>(hi - lo + 1))); }

 private:
  std::mt19937_64 rng_;
};

struct SyncJob {
  std::int64_t id = 0;
  std::size_t seller = 0;  // index into world.sellers()
  std::string enqueued_at;  // PostgreSQL's now() when enqueued
};

std::optional<PgTextRows> try_query(const PgDatabase& db, const std::string& sql) {
  try {
    return db.exec(sql);
  } catch (const std::exception&) {
    return std::nullopt;  // PostgreSQL restarting
  }
}

std::string redis_cli(RedisServer& redis, std::vector<std::string> args) {
  args.insert(args.begin(), {"redis-cli", "-p", std::to_string(redis.port()), "--raw"});
  auto r = run_command(args);
  std::string out = r.output;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return r.exit_code == 0 ? out : "error: " + out;
}

// The job's state by the queue's keys: "gone" (completed or vanished), else where it is.
std::string job_state(RedisServer& redis, const std::string& queue, std::int64_t id) {
  const auto keys = queue::QueueKeys::make(queue).value();
  if (redis_cli(redis, {"EXISTS", keys.job(id)}) == "0") return "gone";
  for (const auto& [state, key] : std::vector<std::pair<std::string, std::string>>{
           {"pending", keys.pending()}, {"scheduled", keys.scheduled()}, {"retry", keys.retry()}, {"dead", keys.dead()}})
    if (!redis_cli(redis, {"ZSCORE", key, std::to_string(id)}).empty()) return state;
  return "active or waiting for its group";
}

// Enqueues `n` probe jobs straight into the queue, as any producer would; their ids, or none when
// Redis did not take them.
std::vector<std::int64_t> enqueue_probes(RedisServer& redis, int n) {
  boost::asio::io_context io;
  redis::RedisClient client(io.get_executor(), redis.config());
  client.start();
  std::vector<std::int64_t> ids;
  if (run_coro(io, client.wait_connected(10s))) {
    SystemClock clock;
    queue::Producer producer(client, queue::QueueKeys::make("default").value(), clock);
    const std::vector<queue::NewJob> batch(static_cast<std::size_t>(n),
                                           queue::NewJob{jobs::kQueueProbeJob, R"({"hold_ms": 200})", {}});
    if (auto queued = run_coro(io, producer.enqueue_batch(batch)))
      for (const auto& q : *queued) ids.push_back(q.id);
  }
  client.stop();
  return ids;
}

class Chaos {
 public:
  Chaos(ChaosWorld& world, std::uint64_t seed, ActionLog& log) : world_(world), draw_(seed), log_(log) {}

  // One action drawn from the PRNG.
  void step() {
    reap_unexpected_exits();
    const auto roll = draw_.below(100);
    if (roll < 22) kill_daemon();
    else if (roll < 30) restart_redis();
    else if (roll < 37) restart_postgres();
    else if (roll < 45) move_clock();
    else if (roll < 68) spapi_fault();
    else if (roll < 78) add_orders();
    else if (roll < 92) sync_now();
    else probes();
  }

  // The first round of a key rotation (a new key everywhere, then active everywhere), then the job.
  void rotate_key(const std::string& key_id) {
    log_("key rotation to " + key_id);
    if (!world_.generate_key(key_id)) {
      failures_.push_back("blazed keys generate " + key_id + " failed");
      return;
    }
    reload_all();
    world_.set_active_key(key_id);
    reload_all();
    if (auto* d = ready_daemon()) log_("  keys rotate: " + trim(d->ctl({"keys", "rotate"}).output));
  }

  // A PII purge (raw pages older than a minute) through a ready daemon.
  void purge() {
    for (auto& d : world_.daemons()) {  // the first one ready, without a draw
      if (!d->process().running() || !d->process().wait_for_notify("READY=1", 60s)) continue;
      return log_("purge run via " + d->instance().id + ": " + trim(d->ctl({"purge", "run"}).output));
    }
    log_("purge: no daemon ready");
  }

  // Samples every seller's cursor; a value lower than one seen before is a failure.
  void sample_cursors() {
    auto rows = try_query(world_.env().db(),
                          "SELECT seller_id, data_type, (extract(epoch FROM cursor) * 1000000)::bigint, run_id "
                          "FROM sync_state WHERE cursor IS NOT NULL");
    if (!rows) return;
    for (const auto& r : *rows) {
      const auto key = *r[0] + "/" + *r[1];
      const std::int64_t cursor = std::stoll(*r[2]);
      auto [it, fresh] = cursors_.emplace(key, cursor);
      if (!fresh && cursor < it->second) {
        failures_.push_back("cursor of seller/data " + key + " went back from " + std::to_string(it->second) +
                            " to " + std::to_string(cursor) + " (us since the epoch)");
      }
      it->second = std::max(it->second, cursor);
      ++cursor_samples_;
      // run_id is EPOCH:JOB:CLAIM; the epoch changes only when Redis lost the queue's state.
      if (r[3]) epochs_.insert(r[3]->substr(0, r[3]->find(':')));
    }
  }

  // Redis kept the queue's state through its restarts (AOF): one epoch in every run id seen.
  [[nodiscard]] const std::set<std::string>& epochs() const { return epochs_; }

  // A daemon that exited without the driver killing it is a failure, except exit 69 (PostgreSQL
  // unreachable at start-up: it was being restarted), which systemd answers with a restart too.
  // Either way it is started again.
  void reap_unexpected_exits() {
    for (auto& d : world_.daemons()) {
      if (d->process().running()) continue;
      auto code = d->process().wait_exit(1s);
      if (code == 69) {
        log_(d->instance().id + " exited 69 (a dependency down at its start); restarting it, as systemd would");
        d->restart();
        continue;
      }
      failures_.push_back(d->instance().id + " exited by itself (" + (code ? std::to_string(*code) : "?") +
                          "):\n" + d->output_tail(3000));
      log_(d->instance().id + " exited by itself; restarting it");
      d->restart();
    }
  }

  // A running daemon past its start, from a drawn one on (one draw whatever the daemons' states,
  // so a replay draws the same numbers).
  ChaosDaemon* ready_daemon() {
    const auto n = world_.daemons().size();
    const auto first = draw_.below(n);
    for (std::size_t k = 0; k < n; ++k) {
      auto& d = *world_.daemons()[(first + k) % n];
      if (d.process().running() && d.process().wait_for_notify("READY=1", 60s)) return &d;
    }
    return nullptr;
  }

  [[nodiscard]] const std::vector<std::string>& failures() const { return failures_; }
  void fail(std::string what) { failures_.push_back(std::move(what)); }
  [[nodiscard]] const std::vector<SyncJob>& sync_jobs() const { return sync_jobs_; }
  [[nodiscard]] const std::vector<std::int64_t>& probe_jobs() const { return probe_jobs_; }
  [[nodiscard]] std::size_t cursor_samples() const { return cursor_samples_; }
  void log(const std::string& line) { log_(line); }

 private:
  static std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

  ChaosDaemon& any_daemon() { return *world_.daemons()[draw_.below(world_.daemons().size())]; }
  std::size_t any_seller() { return draw_.below(world_.sellers().size()); }

  void kill_daemon() {
    auto& d = any_daemon();
    log_("SIGKILL " + d.instance().id + ", then start it again");
    d.restart();
  }

  void restart_redis() {
    log_("restart Redis (SIGKILL, AOF replayed)");
    world_.env().redis().restart();
  }

  void restart_postgres() {
    log_("restart PostgreSQL (fast shutdown)");
    world_.pg().stop();
    world_.pg().start();
  }

  void move_clock() {
    auto& d = any_daemon();
    // At most 20 s ahead: SP-API refuses a window ending later than 2 minutes ago, and the sync
    // keeps 150 s from its own clock.
    static constexpr int kAhead[] = {0, 5, 10, 20};
    const int ahead = kAhead[draw_.below(4)];
    if (d.set_clock_ahead(ahead)) log_("clock of " + d.instance().id + " now " + std::to_string(ahead) + " s ahead");
    else log_("clock of " + d.instance().id + ": not moved (libfaketime not installed)");
  }

  void spapi_fault() {
    const auto& seller = world_.sellers()[any_seller()].amazon_id;
    boost::json::object f{{"sellerId", seller}};
    switch (draw_.below(5)) {
      case 0: f["kind"] = "status"; f["status"] = draw_.below(2) == 0 ? 500 : 503; f["count"] = draw_.between(1, 4); break;
      case 1: f["kind"] = "throttle"; f["count"] = draw_.between(1, 3); break;
      case 2: f["kind"] = "truncate"; f["count"] = 1; break;
      case 3: f["kind"] = "malformed"; f["count"] = 1; break;
      default:
        // A stall: some shorter than the daemons' read timeout (4 s), some longer.
        f["kind"] = "latency"; f["ms"] = draw_.between(1000, 7000); f["count"] = draw_.between(1, 3);
        f["persistent"] = false;
    }
    const auto body = boost::json::serialize(f);
    const auto reply = world_.spapi().admin("POST", "/faults", body);
    log_("SP-API fault " + body + ": " + std::to_string(reply.status));
  }

  void add_orders() {
    const auto& seller = world_.sellers()[any_seller()].amazon_id;
    const int n = draw_.between(1, 15);
    // Updated 5 minutes ago: inside the next sync's 10-minute overlap, so no run has to wait
    // for them to be older than 2 minutes.
    const auto at = std::chrono::system_clock::now() - 5min;
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
    const std::time_t tt = secs;
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char iso[32];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const auto reply = world_.spapi().admin(
        "POST", "/sellers/" + seller + "/orders",
        boost::json::serialize(boost::json::object{{"add", n}, {"at", iso}}));
    log_("SP-API: " + std::to_string(n) + " new orders for " + seller + ": " + std::to_string(reply.status));
  }

  void sync_now() {
    const auto s = any_seller();
    auto* d = ready_daemon();
    if (d == nullptr) return log_("sync: no daemon ready");
    const auto now = try_query(world_.env().db(), "SELECT now()::text");
    auto r = d->ctl({"--json", "sync", std::to_string(world_.sellers()[s].id)});
    if (r.exit_code != 0 || !now) return log_("sync of seller " + std::to_string(world_.sellers()[s].id) +
                                             " via " + d->instance().id + " refused: " + trim(r.output));
    const auto id = boost::json::parse(r.output).at("job_id").to_number<std::int64_t>();
    sync_jobs_.push_back({id, s, *(*now)[0][0]});
    log_("sync of seller " + std::to_string(world_.sellers()[s].id) + " via " + d->instance().id + ": job " +
         std::to_string(id));
  }

  void probes() {
    auto ids = enqueue_probes(world_.env().redis(), 20);
    log_("20 queue_probe jobs: " + (ids.empty() ? std::string("not taken") : "ids " + std::to_string(ids.front()) +
                                                                              ".." + std::to_string(ids.back())));
    probe_jobs_.insert(probe_jobs_.end(), ids.begin(), ids.end());
  }

  // SIGHUP to every running daemon, each once it is past its start (before, SIGHUP would end it).
  void reload_all() {
    for (auto& d : world_.daemons()) {
      if (!d->process().running() || !d->process().wait_for_notify("READY=1", 60s)) continue;
      d->process().signal(SIGHUP);
    }
  }

  ChaosWorld& world_;
  Draw draw_;
  ActionLog& log_;
  std::vector<std::string> failures_;
  std::vector<SyncJob> sync_jobs_;
  std::vector<std::int64_t> probe_jobs_;
  std::map<std::string, std::int64_t> cursors_;
  std::size_t cursor_samples_ = 0;
  std::set<std::string> epochs_;
};

std::int64_t count(const PgDatabase& db, const std::string& sql) { return std::stoll(*db.exec(sql)[0][0]); }

// The seller's rows in PostgreSQL equal what the SP-API server holds for it, and both its data
// types synced successfully since `since` (PostgreSQL time): no seller is stuck.
bool seller_complete(ChaosWorld& world, const ChaosSeller& seller, const std::string& since) {
  const auto summary = boost::json::parse(world.spapi().admin("GET", "/sellers/" + seller.amazon_id).body).as_object();
  const auto id = std::to_string(seller.id);
  auto rows = try_query(world.env().db(), "SELECT (SELECT count(*) FROM orders WHERE seller_id = " + id +
                                              "), (SELECT count(*) FROM transactions WHERE seller_id = " + id +
                                              "), (SELECT count(*) FROM sync_state WHERE seller_id = " + id +
                                              " AND last_success_at > '" + since + "')");
  return rows && std::stoll(*(*rows)[0][0]) == summary.at("orders").to_number<std::int64_t>() &&
         std::stoll(*(*rows)[0][1]) == summary.at("transactions").to_number<std::int64_t>() &&
         std::stoll(*(*rows)[0][2]) == 2;
}

}  // namespace

TEST_CASE("chaos: daemons killed, Redis and PostgreSQL restarted, clocks moved, SP-API failing; "
          "nothing lost, duplicated, unreadable or run twice at once",
          "[chaos][e2e][redis][pg][spapi]") {
  const std::uint64_t seed = env_number("BLAZED_CHAOS_SEED", std::random_device{}());
  const auto steps = env_number("BLAZED_CHAOS_STEPS", 90);
  ActionLog log;
  log("seed " + std::to_string(seed) + ", " + std::to_string(steps) +
      " steps (replay: BLAZED_CHAOS_SEED=" + std::to_string(seed) + ")");
  INFO("seed " << seed << " (replay with BLAZED_CHAOS_SEED=" << seed << ")");

  ChaosWorld world;
  if (!world.faketime()) WARN("libfaketime not installed: clocks are not moved (scripts/install-deps installs it)");
  for (auto& d : world.daemons()) {
    INFO(d->instance().id << " output:\n" << d->output_tail(4000));
    REQUIRE(d->process().wait_for_notify("READY=1", 120s));
  }
  world.connect_sellers();
  Chaos chaos(world, seed, log);
  for (const auto& s : world.sellers()) log("seller " + s.amazon_id + " is blazed seller " + std::to_string(s.id));

  // The chaos: a key rotation somewhere in its middle third.
  Draw timing(seed ^ 0x9e3779b97f4a7c15ULL);
  const auto rotate_at = steps / 3 + timing.below(steps / 3 + 1);
  for (std::uint64_t i = 0; i < steps; ++i) {
    if (i == rotate_at) chaos.rotate_key("k2");
    if (i % 15 == 7) chaos.purge();  // not drawn: a seed's other actions stay what they were
    chaos.step();
    chaos.sample_cursors();
    // A pause between actions, so the daemons get work done in between.
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + timing.below(1500)));
  }

  // Settle: faults off, every daemon back and ready, then a last rotation (to a key no row is
  // under yet: every ciphertext is opened once more) and every seller synced to the end.
  log("chaos over: faults cleared, waiting for the daemons to settle");
  world.spapi().admin("DELETE", "/faults");
  chaos.reap_unexpected_exits();
  for (auto& d : world.daemons()) {
    INFO(d->instance().id << " output:\n" << d->output_tail(6000));
    CHECK(d->process().wait_for_notify("READY=1", 120s));
    CHECK(eventually([&] { return http_get(d->instance().health_port, "/readyz").status == 200; }, 120s));
  }
  chaos.rotate_key("k3");

  const auto& db = world.env().db();
  const auto settled_at = *db.exec("SELECT now()::text")[0][0];
  // One bound for all sellers together: a stuck seller fails the test without holding it up for
  // long per seller.
  std::set<std::size_t> incomplete;
  for (std::size_t i = 0; i < world.sellers().size(); ++i) incomplete.insert(i);
  const bool all_complete = eventually(
      [&] {
        chaos.sample_cursors();
        for (auto it = incomplete.begin(); it != incomplete.end();) {
          const auto& seller = world.sellers()[*it];
          if (seller_complete(world, seller, settled_at)) {
            it = incomplete.erase(it);
            continue;
          }
          if (auto* d = chaos.ready_daemon()) d->ctl({"sync", std::to_string(seller.id)});
          ++it;
        }
        return incomplete.empty();
      },
      300s, 2s);
  for (auto i : incomplete) {
    const auto& seller = world.sellers()[i];
    std::string state;
    for (const auto& r : db.exec("SELECT data_type, cursor, run_after, run_before, last_success_at, last_error "
                                 "FROM sync_state WHERE seller_id = " + std::to_string(seller.id)))
      for (const auto& c : r) state += c.value_or("NULL") + " | ";
    chaos.fail("seller " + seller.amazon_id + " (" + std::to_string(seller.id) +
               ") not complete or not synced since the chaos ended; sync_state: " + state);
  }
  CHECK(all_complete);
  if (all_complete) log("every seller's orders and transactions stored, each synced again since the chaos ended");

  // Every ciphertext opened: the last rotation rewrapped every row (none failed), none is left
  // under another key, no row names a key the daemons lack.
  auto* ctl_daemon = chaos.ready_daemon();
  REQUIRE(ctl_daemon != nullptr);
  boost::json::object keys;
  CHECK(eventually(
      [&] {
        auto r = ctl_daemon->ctl({"--json", "keys", "status"});
        if (r.exit_code != 0) return false;
        keys = boost::json::parse(r.output).as_object();
        if (!keys.at("rotation_needed").as_bool()) return true;
        ctl_daemon->ctl({"keys", "rotate"});  // rows written under k2 after a pass: another pass
        return false;
      },
      300s, 2s));
  INFO("keys status: " << boost::json::serialize(keys));
  CHECK(keys.at("active_key").as_string() == "k3");
  CHECK(keys.at("missing_keys").as_array().empty());
  CHECK(count(db, "SELECT coalesce(sum(failed), 0) FROM key_rotation_runs") == 0);
  CHECK(count(db, "SELECT count(*) FROM seller_tokens WHERE key_id IS DISTINCT FROM 'k3'") == 0);
  CHECK(count(db, "SELECT count(*) FROM raw_payloads WHERE key_id IS DISTINCT FROM 'k3'") == 0);

  // The purge works after the chaos: a run started since finishes, and no run is left open. A
  // purge job the chaos sent to retry waits out its backoff (1 to 30 minutes): then no new run
  // can start, and only the open-run check applies.
  std::string purge_job_state;
  CHECK(eventually(
      [&] {
        if (count(db, "SELECT count(*) FROM purge_runs WHERE finished_at IS NULL") > 0) return false;
        if (count(db, "SELECT count(*) FROM purge_runs WHERE finished_at IS NOT NULL AND started_at > '" +
                          settled_at + "'") > 0)
          return true;
        auto* d = chaos.ready_daemon();
        if (d == nullptr) return false;
        auto r = d->ctl({"--json", "purge", "run"});
        if (r.exit_code != 0) return false;
        const auto job = boost::json::parse(r.output).at("job_id").to_number<std::int64_t>();
        purge_job_state = job_state(world.env().redis(), "default", job);
        return purge_job_state == "retry";
      },
      180s, 2s));
  if (purge_job_state == "retry") log("the purge job is waiting out a backoff the chaos caused");
  CHECK(count(db, "SELECT count(*) FROM purge_runs WHERE finished_at IS NULL") == 0);

  // No row duplicated.
  CHECK(count(db, "SELECT count(*) FROM (SELECT 1 FROM orders GROUP BY seller_id, order_id HAVING count(*) > 1) d") == 0);
  CHECK(count(db, "SELECT count(*) FROM (SELECT 1 FROM transactions GROUP BY seller_id, transaction_id "
                  "HAVING count(*) > 1) d") == 0);
  CHECK(count(db, "SELECT count(*) FROM (SELECT 1 FROM order_items GROUP BY seller_id, order_id, order_item_id "
                  "HAVING count(*) > 1) d") == 0);

  // No job lost. Probes: a finished run each, or still in the queue (dead included: it keeps its
  // reason). Syncs: still in the queue, or gone after a completed sync of both data types of the
  // seller that ended after the job was enqueued.
  const auto& probes = chaos.probe_jobs();
  CHECK(eventually(
      [&] {
        std::size_t settled = 0;
        for (auto id : probes)
          settled += count(db, "SELECT count(*) FROM queue_probe_runs WHERE finished_at IS NOT NULL AND job_id = " +
                                   std::to_string(id)) > 0 ||
                     job_state(world.env().redis(), "default", id) == "dead";
        return settled == probes.size();
      },
      180s, 1s));
  std::size_t probes_dead = 0;
  for (auto id : probes) {
    if (count(db, "SELECT count(*) FROM queue_probe_runs WHERE finished_at IS NOT NULL AND job_id = " +
                      std::to_string(id)) > 0)
      continue;
    const auto state = job_state(world.env().redis(), "default", id);
    if (state == "dead") ++probes_dead;
    else chaos.fail("queue_probe job " + std::to_string(id) + " lost: no finished run, state " + state);
  }
  std::map<std::string, std::size_t> sync_states;
  for (const auto& job : chaos.sync_jobs()) {
    const auto state = job_state(world.env().redis(), "sync", job.id);
    ++sync_states[state];
    if (state != "gone") continue;
    const auto id = std::to_string(world.sellers()[job.seller].id);
    const auto synced = count(db, "SELECT count(*) FROM sync_state WHERE seller_id = " + id +
                                      " AND last_success_at >= '" + job.enqueued_at + "'");
    if (synced < 2)
      chaos.fail("sync job " + std::to_string(job.id) + " of seller " + id + " gone without a complete sync after " +
                 job.enqueued_at);
  }

  // No seller synced by two runs at once: the SP-API server saw at most one request of a seller
  // in flight at a time.
  const auto stats = boost::json::parse(world.spapi().admin("GET", "/stats").body).as_object();
  for (const auto& [seller, f] : stats.at("inFlight").as_object()) {
    if (f.at("overlaps").to_number<std::int64_t>() != 0)
      chaos.fail("seller " + std::string(seller) + " had requests of two runs in flight at once: " +
                 boost::json::serialize(f));
  }

  // The queue's state survived every Redis restart (a new epoch: Redis lost it).
  if (chaos.epochs().size() > 1) chaos.fail("the queue's epoch changed: Redis lost its state in a restart");

  // Every daemon still ready.
  chaos.reap_unexpected_exits();
  for (auto& d : world.daemons()) {
    INFO(d->instance().id << " output:\n" << d->output_tail(6000));
    CHECK(eventually([&] { return http_get(d->instance().health_port, "/readyz").status == 200; }, 120s));
  }

  std::ostringstream summary;
  summary << "seed " << seed << ": " << chaos.sync_jobs().size() << " sync jobs enqueued (";
  for (const auto& [state, n] : sync_states) summary << n << " " << state << " ";
  summary << "), " << probes.size() << " probe jobs (" << probes_dead << " dead), " << chaos.cursor_samples()
          << " cursor samples; SP-API answers:";
  std::map<std::string, std::int64_t> answers;
  for (const auto& [seller, ops] : stats.at("sellers").as_object())
    for (const auto& [op, counts] : ops.as_object())
      for (const auto& [status, n] : counts.as_object())
        if (status != "requests") answers[std::string(status)] += n.to_number<std::int64_t>();
  for (const auto& [status, n] : answers) summary << " " << status << ": " << n;
  const auto purged = db.exec("SELECT count(*), coalesce(sum(dropped_rows + deleted_rows), 0) FROM purge_runs");
  summary << "; " << *purged[0][0] << " purge runs removed " << *purged[0][1] << " raw pages";
  summary << "; sync runs audited:";
  for (const auto& r : db.exec("SELECT outcome || coalesce(' ' || (detail->>'error'), ''), count(*) FROM audit_events "
                               "WHERE action LIKE 'sync.%' AND (detail ? 'run_pages' OR outcome <> 'success') "
                               "GROUP BY 1 ORDER BY 1"))
    summary << " " << *r[1] << " " << *r[0] << ";";
  log(summary.str());
  INFO("actions:\n" << log.text());
  for (const auto& f : chaos.failures()) {
    INFO(f);
    CHECK(false);
  }
  CHECK(chaos.failures().empty());

  for (auto& d : world.daemons()) d->process().signal(SIGTERM);
  for (auto& d : world.daemons()) {
    INFO(d->instance().id << " output:\n" << d->output_tail(4000));
    CHECK(d->process().wait_exit(60s) == 0);
  }
}
