// Owns the processor's coroutines: the fetcher (ack + claim batches), the idle waker (blocking
// wait for new jobs), the heartbeat (lease renewal), each job's run, and the graceful stop.
#include "queue/processor.hpp"

#include "core/errc.hpp"
#include "core/log.hpp"
#include "core/redact.hpp"
#include "queue/claimed_job.hpp"
#include "queue/errc.hpp"
#include "queue/event.hpp"
#include "queue/scripts.hpp"
#include "redis/backoff.hpp"
#include "redis/errc.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <random>
#include <set>

namespace blazed::queue {

namespace asio = boost::asio;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

ProcessorOptions ProcessorOptions::from(const config::QueueConfig& c) {
  ProcessorOptions o;
  o.concurrency = c.concurrency;
  o.claim_batch = c.claim_batch;
  o.lease = c.lease;
  o.heartbeat_interval = c.heartbeat_interval;
  o.idle_wait = c.idle_wait;
  o.dead_max = c.dead_max;
  return o;
}

namespace {

std::int64_t unix_micros(Clock::time_point t) {
  return std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count();
}

std::string member(std::int64_t id, std::int64_t token) {
  return std::to_string(id) + ":" + std::to_string(token);
}

// Values before the claimed jobs in the claim script's reply: acked, lost, paused, epoch, token.
constexpr std::size_t kClaimHeader = 5;

// One job in flight on this processor, from claim until settled.
struct Run {
  Job job;
  asio::cancellation_signal cancel;
  bool detached = false;  // handed back or lease lost: its outcome no longer counts
  // When the lease may lapse in Redis, on this instance's clock: when the claim or last renewal
  // was sent, plus the lease (Redis set its deadline later, so this errs early).
  Clock::time_point lapses_at;
  steady::time_point started = steady::now();
  microseconds pickup{0};
};

struct Ack {
  std::int64_t id;
  std::int64_t token;
  std::string epoch;
  std::string unique_key;
  std::string group;
  RunReport report;
};

}  // namespace

class Processor::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(redis::RedisClient& client, redis::RedisClient& waiter, QueueKeys keys, Handlers handlers,
       ProcessorOptions options, const Clock& clock)
      : keys_(std::move(keys)),
        client_(client),
        waiter_(waiter),
        handlers_(std::move(handlers)),
        options_(options),
        clock_(clock),
        ex_(client.get_executor()),
        fetch_events_{Event(ex_), Event(ex_)},
        waker_event_(ex_),
        drained_(ex_),
        fetcher_done_event_(ex_),
        rng_(std::random_device{}()) {
    options_.concurrency = std::max(1, options_.concurrency);
    options_.claim_batch = std::clamp(options_.claim_batch, 1, 1000);
  }

  void start() {
    if (started_) return;
    started_ = true;
    auto self = shared_from_this();
    // Two fetchers: while one call is in Redis the other's batch is being run, so Redis and
    // this process work in parallel instead of taking turns. That needs the two calls staggered
    // (stagger_wait) and each call to leave room for the other (per_call_cap).
    fetchers_running_ = static_cast<int>(fetch_events_.size());
    for (std::size_t i = 0; i < fetch_events_.size(); ++i)
      asio::co_spawn(ex_, fetch_loop(self, i), asio::detached);
    asio::co_spawn(ex_, wake_loop(self), asio::detached);
    asio::co_spawn(ex_, heartbeat_loop(self), asio::detached);
  }

  // Destruction without stop(): cancel everything, tell Redis nothing.
  void abandon() {
    abandoned_ = stopping_ = closing_ = true;
    for (auto& [key, run] : runs_) {
      run->detached = true;
      run->cancel.emit(asio::cancellation_type::terminal);
    }
    notify_fetchers();
    waker_event_.notify();
    heartbeat_wake_.emit(asio::cancellation_type::terminal);
  }

  awaitable<void> stop(milliseconds deadline) {
    if (stopping_) co_return;
    stopping_ = true;
    notify_fetchers();
    waker_event_.notify();
    heartbeat_wake_.emit(asio::cancellation_type::terminal);
    using namespace asio::experimental::awaitable_operators;
    const auto until = clock_.now() + deadline;
    while (attached_runs() > 0 && clock_.now() < until)
      co_await (drained_.wait() || clock_.wait_until(ex_, until, asio::as_tuple(asio::use_awaitable)));
    if (attached_runs() > 0) co_await hand_back_all();
    closing_ = true;
    notify_fetchers();
    if (started_) {
      while (!fetcher_done_) co_await fetcher_done_event_.wait();
    }
    log_.info("processor stopped", {{"queue", keys_.queue()}});
  }

  awaitable<Status> heartbeat_once() {
    cancel_lapsed();
    std::vector<Run*> sent;
    const auto& script = scripts::extend();
    redis::Args call = script.call(1);
    call.add(keys_.active()).add(keys_.prefix()).add(options_.lease_clock.now_ms_arg())
        .add(options_.lease.count());
    for (auto& [key, run] : runs_) {
      if (run->detached) continue;
      call.add(member(run->job.id, run->job.token)).add(run->job.epoch).add(run->job.group);
      sent.push_back(run.get());
    }
    if (sent.empty()) co_return Status{};
    const auto sent_at = clock_.now();
    auto r = co_await client_.eval(script, std::move(call));
    if (!r) co_return r.error().context("heartbeat");
    if (r->is_error()) co_return make_error(redis::errc::redis_error, "heartbeat: " + r->str());
    std::set<std::string> lost;
    for (const auto& l : r->elements()) lost.insert(l.str());
    for (auto& [key, run] : runs_) {
      if (run->detached) continue;
      if (lost.count(member(run->job.id, run->job.token)) == 0) {
        // Renewed (runs claimed during the call have a later lapse already).
        run->lapses_at = std::max(run->lapses_at, sent_at + options_.lease);
        continue;
      }
      log_.warn("lease lost; cancelling the run", {{"queue", keys_.queue()}, {"job_id", run->job.id}});
      detach(*run, Outcome::lease_lost);
    }
    co_return Status{};
  }

  std::size_t running() const noexcept { return runs_.size(); }

  ProcessorStats stats_;
  std::vector<std::function<void(const RunReport&)>> observers_;
  QueueKeys keys_;

 private:
  std::size_t attached_runs() const {
    return static_cast<std::size_t>(
        std::count_if(runs_.begin(), runs_.end(), [](const auto& r) { return !r.second->detached; }));
  }
  int free_slots() const {
    return options_.concurrency - static_cast<int>(runs_.size()) - reserved_;
  }
  void notify_fetchers() {
    for (auto& e : fetch_events_) e.notify();
  }
  // At most half the slots per call (and claim_batch): a second call can then claim while the
  // first one's jobs run.
  int per_call_cap() const {
    return std::min(options_.claim_batch, std::max(1, (options_.concurrency + 1) / 2));
  }
  // Redis runs every request it has read before it writes any reply: two calls sent together
  // come back together, and the fetchers fall into lockstep with Redis idle while this process
  // turns both replies around (measured: ~50k jobs/s instead of ~80k). So a call that would join
  // one in flight waits until about half a round trip has passed since that one went out: it
  // then reaches Redis while the first runs, is answered after it, and the two alternate.
  steady::duration stagger_wait() const {
    if (in_flight_ == 0) return steady::duration::zero();
    return std::max(steady::duration::zero(), last_send_ + call_time_ / 2 - steady::now());
  }
  // Runs whose lease may have lapsed in Redis (not renewed in time: Redis away, a stalled loop)
  // stop here: another instance may be running the job now, so this run must not settle it.
  void cancel_lapsed() {
    const auto now = clock_.now();
    for (auto& [key, run] : runs_) {
      if (run->detached || run->lapses_at > now) continue;
      log_.warn("lease lapsed before it was renewed; cancelling the run",
                {{"queue", keys_.queue()}, {"job_id", run->job.id}});
      detach(*run, Outcome::lease_lost);
    }
  }
  // When the heartbeat loop must next wake: its interval, or a run's lease lapsing before that.
  Clock::time_point next_watch() const {
    auto at = clock_.now() + options_.heartbeat_interval;
    for (const auto& [key, run] : runs_) {
      if (!run->detached) at = std::min(at, run->lapses_at);
    }
    return at;
  }
  // A random candidate for the queue's epoch (used only when Redis lost it).
  std::string epoch_candidate() {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%08x%08x", static_cast<unsigned>(rng_()),
                  static_cast<unsigned>(rng_()));
    return buf;
  }

  void report(const RunReport& r) {
    for (const auto& o : observers_) o(r);
  }

  RunReport make_report(const Run& run, Outcome outcome) const {
    return RunReport{run.job.id, run.job.type, outcome, run.job.attempt,
                     std::chrono::duration_cast<microseconds>(steady::now() - run.started),
                     run.pickup};
  }

  void detach(Run& run, Outcome why) {
    run.detached = true;
    if (why == Outcome::lease_lost) ++stats_.lease_lost;
    if (why == Outcome::handed_back) ++stats_.handed_back;
    report(make_report(run, why));
    run.cancel.emit(asio::cancellation_type::terminal);
  }

  void finished(const Job& job) {
    runs_.erase(job.run_id());
    drained_.notify();
    notify_fetchers();
    waker_event_.notify();
  }

  // --- fetcher: one script call acks the finished batch and claims the next ---------------

  awaitable<void> fetch_loop(std::shared_ptr<Impl> /*keep_alive*/, std::size_t me) {
    unsigned failures = 0;
    while (!abandoned_) {
      // With a call already in flight, only claim a worthwhile batch (fewer, fuller calls).
      const int cap = per_call_cap();
      int min_batch = in_flight_ > 0 ? std::max(1, cap / 2) : 1;
      bool can_claim = !stopping_ && !queue_empty_ && free_slots() >= min_batch;
      if (!can_claim && acks_.empty()) {
        if (closing_) break;
        co_await fetch_events_[me].wait();
        continue;
      }
      if (const auto wait = stagger_wait(); wait > steady::duration::zero()) {
        co_await fetch_events_[me].wait(wait);
        continue;
      }
      int want = can_claim ? std::min(free_slots(), cap) : 0;
      const auto sent_at = steady::now();
      last_send_ = sent_at;
      const std::uint64_t wakes_at_send = wakes_;
      reserved_ += want;
      ++in_flight_;
      std::vector<Ack> acks = std::move(acks_);
      acks_.clear();
      // One epoch per call: runs of an older one cannot settle (Redis made a new epoch since, and
      // never returns to an old one), so they are lost without asking.
      settle_stale_acks(acks);

      const auto& script = scripts::claim();
      redis::Args call = script.call(2);
      call.add(keys_.pending()).add(keys_.active());
      call.add(keys_.prefix()).add(options_.lease_clock.now_ms_arg()).add(options_.lease.count())
          .add(epoch_candidate()).add(want).add(acks.size()).add(epoch_);
      for (const Ack& a : acks) call.add(a.id).add(a.token).add(a.unique_key).add(a.group);
      if (want > 0) ++stats_.claim_calls;
      auto claimed_at = clock_.now();
      auto r = co_await client_.eval(script, std::move(call));
      reserved_ -= want;
      --in_flight_;
      if (abandoned_) break;
      if (!r || r->is_error() || !r->is_array() || r->size() < kClaimHeader) {
        // Redis is away: keep the acks for the next call (acking twice is harmless: the second
        // ZREM misses) and back off instead of spinning.
        if (failures++ % 50 == 0)
          log_.warn("claim failed; retrying", {{"queue", keys_.queue()},
                                               {"error", r ? std::string("script error") : r.error().code}});
        acks_.insert(acks_.begin(), std::make_move_iterator(acks.begin()),
                     std::make_move_iterator(acks.end()));
        // Real time: this waits out Redis, not the job's clock.
        asio::steady_timer t(ex_, redis::backoff_delay(std::min(failures, 6u), milliseconds{20},
                                                       milliseconds{1'000}, rng_));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      failures = 0;
      // Only answered calls count: a timeout while Redis is away would hold back the next
      // second call by half of it.
      call_time_ = (call_time_ * 7 + (steady::now() - sent_at)) / 8;
      settle_acks(acks, (*r)[1]);
      if ((*r)[2].to_int().value_or(0) != 0) ++stats_.paused_claims;
      epoch_ = (*r)[3].str();
      const std::int64_t token = (*r)[4].to_int().value_or(0);
      int claimed = 0;
      for (std::size_t i = kClaimHeader; i < r->size(); ++claimed) {
        auto next = start_run(*r, i, token, claimed_at, epoch_);
        if (!next) {
          // This build's own script never answers so; were it to, the jobs' leases lapse and
          // the recoverer hands them to another run.
          log_.error("claim reply not understood; its jobs wait for their leases to lapse",
                     {{"queue", keys_.queue()}});
          break;
        }
        i = *next;
      }
      if (want > 0) {
        // Replies come in call order, so the latest claim has the latest view of the queue;
        // but a wake-up (another connection) since this call went out may announce a job it
        // did not see: then the queue is not known to be empty.
        queue_empty_ = claimed < want && wakes_ == wakes_at_send;
        if (queue_empty_) waker_event_.notify();
      }
    }
    if (--fetchers_running_ == 0) {
      fetcher_done_ = true;
      fetcher_done_event_.notify();
    }
  }

  // Reports the acks of runs claimed in another epoch than the latest as lost, and drops them.
  void settle_stale_acks(std::vector<Ack>& acks) {
    auto stale = std::stable_partition(acks.begin(), acks.end(),
                                       [&](const Ack& a) { return a.epoch == epoch_; });
    for (auto it = stale; it != acks.end(); ++it) {
      ++stats_.lease_lost;
      it->report.outcome = Outcome::lease_lost;
      report(it->report);
    }
    acks.erase(stale, acks.end());
  }

  void settle_acks(std::vector<Ack>& acks, const redis::Reply& lost) {
    std::set<std::string> lost_ids;
    for (const auto& l : lost.elements()) lost_ids.insert(l.str());
    for (Ack& a : acks) {
      if (lost_ids.count(std::to_string(a.id)) != 0) {
        ++stats_.lease_lost;
        a.report.outcome = Outcome::lease_lost;
      } else {
        ++stats_.completed;
      }
      report(a.report);
    }
  }

  // Starts the claimed job that begins at reply[at]; returns where the next one begins.
  std::optional<std::size_t> start_run(const redis::Reply& reply, std::size_t at,
                                       std::int64_t token, Clock::time_point claimed_at,
                                       const std::string& epoch) {
    auto run = std::make_unique<Run>();
    run->lapses_at = claimed_at + options_.lease;
    Job& job = run->job;
    const auto next = read_claimed_job(reply, at, job);
    if (!next) return std::nullopt;
    job.epoch = epoch;
    job.token = token;
    job.queue = keys_.queue();
    run->pickup = microseconds{std::max<std::int64_t>(0, unix_micros(claimed_at) - job.ready_us)};
    ++stats_.claimed;
    stats_.pickup_latency.observe(run->pickup);
    Run* raw = run.get();
    // The heartbeat loop waits for its interval or the earliest lapse: wake it to wait less.
    if (raw->lapses_at < watch_until_) heartbeat_wake_.emit(asio::cancellation_type::terminal);
    runs_.emplace(job.run_id(), std::move(run));
    asio::co_spawn(ex_, run_job(shared_from_this(), raw),
                   asio::bind_cancellation_slot(raw->cancel.slot(), asio::detached));
    return next;
  }

  // --- one job's run ----------------------------------------------------------------------

  awaitable<void> run_job(std::shared_ptr<Impl> /*keep_alive*/, Run* run) {
    const Job& job = run->job;
    const JobType* type = handlers_.find(job.type);
    std::string dead_reason;
    HandlerOutcome result;
    int max_attempts = 1;
    try {
      if (type == nullptr) {
        dead_reason = "unknown job type";
        ++stats_.unknown_type;
      } else {
        max_attempts = job.max_attempts > 0 ? job.max_attempts : type->max_attempts;
        if (job.attempt > max_attempts) {
          dead_reason = "out of attempts (the last run's lease expired)";
        } else {
          result = co_await run_handler(*type, *run);
        }
      }
    } catch (const std::exception&) {
      result = retry(make_error(errc::exception, "the handler threw"));
    }
    if (run->detached) {
      finished(job);
      co_return;
    }
    auto took = std::chrono::duration_cast<microseconds>(steady::now() - run->started);
    stats_.duration.observe(took);
    if (dead_reason.empty() && result.is_done()) {
      acks_.push_back(Ack{job.id, job.token, job.epoch, job.unique_key, job.group,
                          make_report(*run, Outcome::completed)});
      finished(job);
      co_return;
    }

    if (const Defer* d = result.deferral(); dead_reason.empty() && d != nullptr) {
      co_await defer(*run, unix_millis(d->until));
      finished(job);
      co_return;
    }

    // A failed attempt: retry after a backoff, or bury it in the dead set with the reason.
    // Redacted before it is stored: operators read it back through jobs.show and Redis.
    std::string error = redact(dead_reason.empty() ? result.error()->code + ": " + result.error()->message
                                                   : dead_reason);
    if (dead_reason.empty() && std::holds_alternative<Permanent>(result.kind()))
      dead_reason = "permanent failure";
    if (dead_reason.empty() && job.attempt >= max_attempts) dead_reason = "out of attempts";
    bool dead = !dead_reason.empty();
    std::int64_t at_ms = unix_millis(clock_.now());
    if (!dead) {
      at_ms += redis::backoff_delay(static_cast<unsigned>(job.attempt - 1), type->backoff_base,
                                    type->backoff_max, rng_)
                   .count();
    }
    const auto& script = scripts::fail();
    redis::Args call = script.call(3);
    call.add(keys_.active()).add(keys_.retry()).add(keys_.dead());
    call.add(keys_.prefix()).add(job.id).add(job.token).add(job.unique_key).add(job.group);
    call.add(dead ? "dead" : "retry").add(at_ms).add(error).add(dead_reason).add(options_.dead_max);
    call.add(job.epoch).add(options_.lease_clock.now_ms_arg());
    Outcome outcome = dead ? Outcome::dead : Outcome::retried;
    try {
      auto r = co_await client_.eval(script, std::move(call));
      if (!r || r->is_error()) {
        // Left active: its lease expires and the recoverer puts it back (attempt counted).
        log_.warn("could not record a failed attempt", {{"queue", keys_.queue()}, {"job_id", job.id}});
      } else if (r->as_integer() == 0) {
        outcome = Outcome::lease_lost;
      }
    } catch (const std::exception&) {
      outcome = Outcome::lease_lost;
    }
    if (!run->detached) {
      if (outcome == Outcome::dead) ++stats_.dead;
      if (outcome == Outcome::retried) ++stats_.retried;
      if (outcome == Outcome::lease_lost) ++stats_.lease_lost;
      if (dead) {
        log_.warn("job dead", {{"queue", keys_.queue()}, {"job_id", job.id}, {"type", job.type},
                               {"reason", dead_reason}, {"attempt", job.attempt}});
      }
      report(make_report(*run, outcome));
    }
    finished(job);
  }

  // The handler asked to run again at `until_ms`: rescheduled, the attempt not counted.
  awaitable<void> defer(Run& run, std::int64_t until_ms) {
    const Job& job = run.job;
    const auto& script = scripts::defer();
    redis::Args call = script.call(2);
    call.add(keys_.active()).add(keys_.scheduled());
    call.add(keys_.prefix()).add(job.id).add(job.token).add(job.group).add(until_ms)
        .add(unix_millis(clock_.now())).add(job.epoch).add(options_.lease_clock.now_ms_arg());
    Outcome outcome = Outcome::deferred;
    try {
      auto r = co_await client_.eval(script, std::move(call));
      if (!r || r->is_error()) {
        // Left active: its lease expires and the recoverer puts it back (attempt counted).
        log_.warn("could not defer a job", {{"queue", keys_.queue()}, {"job_id", job.id}});
      } else if (r->as_integer() == 0) {
        outcome = Outcome::lease_lost;
      }
    } catch (const std::exception&) {
      outcome = Outcome::lease_lost;
    }
    if (run.detached) co_return;
    if (outcome == Outcome::deferred) ++stats_.deferred;
    if (outcome == Outcome::lease_lost) ++stats_.lease_lost;
    report(make_report(run, outcome));
  }

  awaitable<HandlerOutcome> run_handler(const JobType& type, Run& run) {
    using namespace asio::experimental::awaitable_operators;
    milliseconds timeout = run.job.timeout.count() > 0 ? run.job.timeout : type.timeout;
    // as_tuple: the wait's cancellation (the usual case) is a value, not a thrown exception.
    auto r = co_await (type.handler(run.job) ||
                       clock_.wait_for(ex_, timeout, asio::as_tuple(asio::use_awaitable)));
    if (r.index() == 0) co_return std::get<0>(std::move(r));
    if (!run.detached) ++stats_.timed_out;
    co_return retry(make_error(blazed::errc::timeout, "the job ran past its timeout and was cancelled"));
  }

  // --- idle waker: blocks on the wake-up list while the queue is empty ----------------------

  awaitable<void> wake_loop(std::shared_ptr<Impl> /*keep_alive*/) {
    const std::string notify_key = keys_.notify();
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f",
                  static_cast<double>(options_.idle_wait.count()) / 1000.0);
    while (!stopping_) {
      if (!queue_empty_ || free_slots() <= 0) {
        co_await waker_event_.wait();
        continue;
      }
      redis::Args blpop{"BLPOP", notify_key, secs};
      auto r = co_await waiter_.command(std::move(blpop), options_.idle_wait + milliseconds{5'000});
      if (stopping_) break;
      if (!r) {
        // The waiter connection is down: fall back to polling at the idle interval (real time,
        // like the BLPOP it stands in for).
        asio::steady_timer t(ex_, options_.idle_wait);
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      queue_empty_ = false;
      ++wakes_;
      notify_fetchers();
    }
  }

  // --- heartbeat ------------------------------------------------------------------------

  awaitable<void> heartbeat_loop(std::shared_ptr<Impl> /*keep_alive*/) {
    while (!stopping_) {
      watch_until_ = next_watch();
      co_await clock_.wait_until(ex_, watch_until_,
                                 asio::bind_cancellation_slot(heartbeat_wake_.slot(),
                                                              asio::as_tuple(asio::use_awaitable)));
      if (stopping_) break;
      if (clock_.now() < watch_until_) continue;  // woken to wait for an earlier lapse
      auto st = co_await heartbeat_once();
      // Not fatal by itself: runs whose lease lapses before a renewal gets through are
      // cancelled at their lapse (this loop wakes for it).
      if (!st) log_.warn("heartbeat failed", {{"queue", keys_.queue()}, {"code", st.error().code}});
    }
  }

  // --- graceful stop: hand the unfinished back without counting an attempt ---------------

  awaitable<void> hand_back_all() {
    const auto& script = scripts::handback();
    redis::Args call = script.call(1);
    // In the latest epoch seen: runs of an older one (Redis lost the queue since) have nothing
    // left to hand back, and the script skips them all if the epoch changed again.
    call.add(keys_.active()).add(keys_.prefix()).add(unix_micros(clock_.now())).add(epoch_);
    std::vector<std::string> handed;
    for (auto& [key, run] : runs_) {
      if (run->detached) continue;
      // (Its id and token may name another job in the new state.)
      if (run->job.epoch == epoch_) call.add(run->job.id).add(run->job.token).add(run->job.group);
      handed.push_back(key);
      // Detached first, so a run finishing during the call does not ack.
      run->detached = true;
    }
    auto r = co_await client_.eval(script, std::move(call));
    if (!r || r->is_error()) {
      log_.warn("hand-back failed; the leases will expire and be recovered",
                {{"queue", keys_.queue()}, {"jobs", handed.size()}});
    }
    for (const auto& key : handed) {
      ++stats_.handed_back;
      auto it = runs_.find(key);
      if (it == runs_.end()) continue;  // finished during the call (it will run again)
      report(make_report(*it->second, Outcome::handed_back));
      it->second->cancel.emit(asio::cancellation_type::terminal);
    }
    log_.info("handed back unfinished jobs", {{"queue", keys_.queue()}, {"jobs", handed.size()}});
  }

  redis::RedisClient& client_;
  redis::RedisClient& waiter_;
  Handlers handlers_;
  ProcessorOptions options_;
  const Clock& clock_;
  asio::any_io_executor ex_;
  // By run id (epoch:id:token): after Redis lost the queue a new job may reuse an old one's id and
  // token while the old run still winds down.
  std::map<std::string, std::unique_ptr<Run>> runs_;
  std::vector<Ack> acks_;
  std::string epoch_;  // the queue's epoch in the latest claim reply
  bool started_ = false;
  bool stopping_ = false;    // no more claims
  bool closing_ = false;     // the fetcher exits once the acks are flushed
  bool abandoned_ = false;   // destroyed without stop(): touch nothing in Redis
  bool queue_empty_ = false;  // the last claim found fewer jobs than it asked for
  bool fetcher_done_ = false;
  int fetchers_running_ = 0;
  int in_flight_ = 0;  // claim calls awaiting Redis
  steady::time_point last_send_;        // when the latest claim call went out
  steady::duration call_time_{};        // moving average of a claim call's round trip
  std::uint64_t wakes_ = 0;      // wake-ups of the idle waker (a job was announced)
  int reserved_ = 0;   // slots promised to jobs those calls may bring
  std::array<Event, 2> fetch_events_;
  Event waker_event_;
  Event drained_;
  Event fetcher_done_event_;
  asio::cancellation_signal heartbeat_wake_;  // ends the heartbeat's wait on stop, or re-arms it
  Clock::time_point watch_until_ = Clock::time_point::max();  // the heartbeat's current wake-up
  std::minstd_rand rng_;
  log::Logger log_{"queue"};
};

Processor::Processor(redis::RedisClient& client, redis::RedisClient& waiter, QueueKeys keys,
                     Handlers handlers, ProcessorOptions options, const Clock& clock)
    : impl_(std::make_shared<Impl>(client, waiter, std::move(keys), std::move(handlers), options,
                                   clock)) {}

Processor::~Processor() { impl_->abandon(); }

void Processor::start() { impl_->start(); }

awaitable<void> Processor::stop(std::chrono::milliseconds deadline) {
  auto impl = impl_;
  co_await impl->stop(deadline);
}

awaitable<Status> Processor::heartbeat_once() {
  auto impl = impl_;
  co_return co_await impl->heartbeat_once();
}

std::size_t Processor::running() const noexcept { return impl_->running(); }
const ProcessorStats& Processor::stats() const noexcept { return impl_->stats_; }
const QueueKeys& Processor::keys() const noexcept { return impl_->keys_; }

void Processor::on_report(std::function<void(const RunReport&)> observer) {
  impl_->observers_.push_back(std::move(observer));
}

}  // namespace blazed::queue
