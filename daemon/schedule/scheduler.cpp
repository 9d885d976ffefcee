// Owns the scheduler's passes (due tick, fence, enqueue, mark), its run loop, list and trigger.
#include "schedule/scheduler.hpp"

#include "core/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <set>

namespace blazed::schedule {
namespace {

using namespace std::chrono;

const log::Logger logger("scheduler");

bool valid_name(std::string_view n) {
  return !n.empty() && n.size() <= 64 && std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

std::int64_t to_ms(sys_seconds t) { return duration_cast<milliseconds>(t.time_since_epoch()).count(); }
sys_seconds to_sys(Clock::time_point t) { return floor<seconds>(t); }
sys_seconds from_ms(std::int64_t ms) { return floor<seconds>(sys_time<milliseconds>{milliseconds{ms}}); }

std::string unique_key(std::string_view name, std::int64_t tick_ms) {
  return "schedule:" + std::string(name) + ":" + std::to_string(tick_ms);
}

}  // namespace

Result<std::vector<Schedule>> compile_schedules(const config::SchedulerConfig& config) {
  std::vector<Schedule> out;
  std::set<std::string, std::less<>> names;
  for (const auto& c : config.schedules) {
    const auto bad = [&](std::string why) {
      return make_error("bad_config", "schedule '" + c.name + "': " + why);
    };
    if (!valid_name(c.name)) return bad("name must be 1-64 of [A-Za-z0-9_.-]");
    if (!names.insert(c.name).second) return bad("defined twice");
    if (c.job.empty()) return bad("job is required");
    if (!valid_name(c.queue)) return bad("queue must be 1-64 of [A-Za-z0-9_.-]");
    boost::system::error_code ec;
    const auto payload = boost::json::parse(c.payload, ec);
    if (ec || !payload.is_object()) return bad("payload must be a JSON object");
    auto when = CronSchedule::parse(c.cron, c.zone, config.zoneinfo_dir);
    if (!when) return Error{"bad_config", "schedule '" + c.name + "': " + when.error().message};
    out.push_back(Schedule{c.name, std::move(*when), c.job, c.queue, c.payload, c.group});
  }
  return out;
}

Scheduler::Scheduler(redis::RedisClient& redis, JobSink& sink, const Clock& clock,
                     std::vector<Schedule> schedules, Options options)
    : redis_(redis),
      sink_(sink),
      clock_(clock),
      schedules_(std::make_shared<const std::vector<Schedule>>(std::move(schedules))),
      options_(std::move(options)),
      fence_(redis, options_.instance_id),
      ex_(redis.get_executor()) {}

boost::asio::awaitable<Result<bool>> Scheduler::run_one(const Schedule& s, sys_seconds now) {
  auto last = co_await fence_.last(s.name);
  if (!last) co_return last.error();
  if (!*last) {
    auto st = co_await fence_.set_baseline(s.name, to_ms(now));
    if (!st) co_return st.error();
    co_return false;
  }
  const auto tick = s.when.latest_between(from_ms(**last), now);
  if (!tick) co_return false;
  const std::int64_t tick_ms = to_ms(*tick);
  auto claim = co_await fence_.claim(s.name, tick_ms, options_.fence_ttl);
  if (!claim) co_return claim.error();
  if (*claim != TickFence::Claim::won) co_return false;

  queue::NewJob job{s.job, s.payload, {}};
  job.options.unique_key = unique_key(s.name, tick_ms);
  job.options.group = s.group;
  auto queued = co_await sink_.enqueue(s.queue, std::move(job));
  if (!queued) {
    // Let the next pass (here or on another instance) try again without waiting for the TTL.
    auto released = co_await fence_.release(s.name, tick_ms);
    if (!released) logger.warn("could not release schedule fence", {{"schedule", s.name}});
    co_return queued.error().context("schedule '" + s.name + "' enqueue");
  }
  auto done = co_await fence_.complete(s.name, tick_ms);
  if (!done) co_return done.error();
  logger.info("schedule fired", {{"schedule", s.name}, {"tick_ms", tick_ms}, {"job", s.job},
                                 {"job_id", queued->id}, {"duplicate", queued->duplicate}});
  co_return !queued->duplicate;
}

boost::asio::awaitable<Result<std::size_t>> Scheduler::run_due() {
  const auto now = to_sys(clock_.now());
  std::size_t enqueued = 0;
  std::optional<Error> first_error;
  const auto schedules = schedules_;  // kept alive across the awaits below, even over a reload
  for (const auto& s : *schedules) {
    auto r = co_await run_one(s, now);
    if (!r) {
      logger.error("schedule pass failed", {{"schedule", s.name}, {"code", r.error().code},
                                            {"error", r.error().message}});
      if (!first_error) first_error = r.error();
      continue;
    }
    if (*r) ++enqueued;
  }
  if (first_error) co_return *first_error;
  co_return enqueued;
}

boost::asio::awaitable<Result<std::vector<ScheduleInfo>>> Scheduler::list() {
  const auto now = to_sys(clock_.now());
  std::vector<ScheduleInfo> out;
  const auto schedules = schedules_;
  for (const auto& s : *schedules) {
    auto last = co_await fence_.last(s.name);
    if (!last) co_return last.error();
    ScheduleInfo info{s.name, s.when.spec(), s.when.zone().name(), s.job, s.queue, {}, {}};
    // The first-start mark is not a tick; only report real ticks as "last".
    const auto from = *last ? from_ms(**last) : now;
    if (*last && s.when.latest_between(from - seconds{1}, from) == from) info.last_tick = from;
    if (const auto next = s.when.next_after(from)) info.next_tick = *next;
    out.push_back(std::move(info));
  }
  co_return out;
}

boost::asio::awaitable<Result<std::string>> Scheduler::trigger(std::string_view name) {
  const auto schedules = schedules_;
  const auto it = std::find_if(schedules->begin(), schedules->end(),
                               [&](const Schedule& s) { return s.name == name; });
  if (it == schedules->end()) {
    co_return make_error("not_found", "no schedule named '" + std::string(name) + "'");
  }
  const std::string key =
      "schedule:" + it->name + ":manual:" + std::to_string(unix_millis(clock_.now()));
  queue::NewJob job{it->job, it->payload, {}};
  job.options.unique_key = key;
  job.options.group = it->group;
  auto queued = co_await sink_.enqueue(it->queue, std::move(job));
  if (!queued) co_return queued.error().context("schedule '" + it->name + "' trigger");
  logger.info("schedule triggered", {{"schedule", it->name}, {"job", it->job}, {"job_id", queued->id}});
  co_return Result<std::string>(boost::system::in_place_value, key);
}

std::optional<Clock::time_point> Scheduler::next_wakeup(Clock::time_point now) const {
  std::optional<Clock::time_point> best;
  for (const auto& s : *schedules_) {
    const auto n = s.when.next_after(to_sys(now));
    if (n && (!best || *n < *best)) best = *n;
  }
  return best;
}

boost::asio::awaitable<void> Scheduler::run() {
  while (!stopped_) {
    const auto pass = co_await run_due();
    const auto now = clock_.now();
    Clock::duration wait = options_.max_sleep;
    if (const auto next = next_wakeup(now)) wait = std::min(wait, *next - now);
    if (!pass) wait = std::min<Clock::duration>(wait, seconds{1});
    if (stopped_) break;
    co_await clock_.wait_for(
        ex_, std::max<Clock::duration>(wait, Clock::duration::zero()),
        boost::asio::bind_cancellation_slot(wake_.slot(),
                                            boost::asio::as_tuple(boost::asio::use_awaitable)));
  }
}

void Scheduler::reload(std::vector<Schedule> schedules) {
  schedules_ = std::make_shared<const std::vector<Schedule>>(std::move(schedules));
  wake_.emit(boost::asio::cancellation_type::terminal);
}

void Scheduler::stop() {
  stopped_ = true;
  wake_.emit(boost::asio::cancellation_type::terminal);
}

}  // namespace blazed::schedule
