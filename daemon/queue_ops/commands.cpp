// Owns the queue, job and schedule control commands: argument checking, the calls into
// queue::Inspector / QueueAdmin / Scheduler, and their JSON results. Times are Unix ms.
#include "queue_ops/commands.hpp"

#include "control/args.hpp"
#include "core/errc.hpp"
#include "queue/admin.hpp"
#include "queue/inspector.hpp"
#include "queue_ops/errc.hpp"
#include "redis/client.hpp"
#include "schedule/scheduler.hpp"

#include <algorithm>
#include <memory>

namespace blazed::queue_ops {
namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using control::Request;
using JsonResult = Result<json::value>;

constexpr std::int64_t default_limit = 20;
constexpr std::int64_t max_limit = 1000;

Error bad_args(std::string message) { return make_error(control::codes::bad_args, std::move(message)); }

// The queue named by the "queue" argument (default: the first configured), if operators may use it.
Result<queue::QueueKeys> queue_arg(const Request& req, const QueueOps& ops) {
  auto name = control::args::find_string(req, "queue");
  if (!name) return name.error();
  if (ops.queues.empty()) return make_error(errc::unavailable, "this daemon processes no queue");
  std::string q = name->value_or(ops.queues.front());
  if (std::find(ops.queues.begin(), ops.queues.end(), q) == ops.queues.end())
    return bad_args("unknown queue \"" + q + "\"");
  return queue::QueueKeys::make(q);
}

Result<queue::State> state_arg(const Request& req) {
  auto s = control::args::find_string(req, "state");
  if (!s) return s.error();
  std::string name = s->value_or("dead");
  for (auto st : {queue::State::pending, queue::State::active, queue::State::scheduled,
                  queue::State::retry, queue::State::dead}) {
    if (queue::state_name(st) == name) return st;
  }
  return bad_args("state must be pending, active, scheduled, retry or dead");
}

Result<std::int64_t> int_arg(const Request& req, std::string_view key, std::int64_t fallback,
                             std::int64_t lo, std::int64_t hi) {
  auto v = control::args::find_int(req, key);
  if (!v) return v.error();
  std::int64_t n = v->value_or(fallback);
  if (n < lo || n > hi)
    return bad_args(std::string(key) + " must be " + std::to_string(lo) + "-" + std::to_string(hi));
  return n;
}

json::object job_json(const queue::JobInfo& j) {
  json::object o{{"id", j.id},
                 {"state", queue::state_name(j.state)},
                 {"type", j.type},
                 {"attempts", j.attempts},
                 {"max_attempts", j.max_attempts},
                 {"priority", j.priority},
                 {"group", j.group},
                 {"payload", j.payload},
                 {"last_error", j.last_error},
                 {"dead_reason", j.dead_reason}};
  if (j.at_ms != 0) o["at_ms"] = j.at_ms;
  return o;
}

std::int64_t ms(Clock::time_point t) { return unix_millis(t); }

}  // namespace

Status register_queue_commands(control::CommandRegistry& registry, const QueueOps& given) {
  auto ops = std::make_shared<const QueueOps>(given);
  if (ops->redis == nullptr) return make_error(blazed::errc::bad_config, "queue commands need a Redis client");

  auto list = [ops](const Request& req) -> awaitable<JsonResult> {
    auto keys = queue_arg(req, *ops);
    if (!keys) co_return keys.error();
    auto state = state_arg(req);
    if (!state) co_return state.error();
    auto limit = int_arg(req, "limit", default_limit, 1, max_limit);
    if (!limit) co_return limit.error();
    auto offset = int_arg(req, "offset", 0, 0, std::int64_t{1} << 40);
    if (!offset) co_return offset.error();
    queue::Inspector inspector(*ops->redis, *keys);
    auto page = co_await inspector.list(*state, static_cast<std::size_t>(*offset),
                                        static_cast<std::size_t>(*limit));
    if (!page) co_return page.error();
    json::array jobs;
    for (const auto& j : page->jobs) jobs.push_back(job_json(j));
    co_return json::value(json::object{{"queue", keys->queue()},
                                       {"state", queue::state_name(*state)},
                                       {"total", page->total},
                                       {"offset", *offset},
                                       {"jobs", std::move(jobs)}});
  };

  auto show = [ops](const Request& req) -> awaitable<JsonResult> {
    auto keys = queue_arg(req, *ops);
    if (!keys) co_return keys.error();
    auto id = control::args::get_int(req, "id");
    if (!id) co_return id.error();
    queue::Inspector inspector(*ops->redis, *keys);
    auto job = co_await inspector.show(*id);
    if (!job) co_return job.error();
    if (!*job) co_return make_error(blazed::errc::not_found, "no job " + std::to_string(*id) + " (completed jobs are gone)");
    json::object o = job_json(**job);
    o["queue"] = keys->queue();
    co_return json::value(std::move(o));
  };

  // jobs.retry and jobs.delete: one admin call on one job.
  using AdminCall = awaitable<Status> (queue::QueueAdmin::*)(std::int64_t);
  auto admin_job = [ops](AdminCall call, std::string done) {
    return [ops, call, done](const Request& req) -> awaitable<JsonResult> {
      auto keys = queue_arg(req, *ops);
      if (!keys) co_return keys.error();
      auto id = control::args::get_int(req, "id");
      if (!id) co_return id.error();
      queue::QueueAdmin admin(*ops->redis, *keys, *ops->clock);
      auto st = co_await (admin.*call)(*id);
      if (!st) co_return st.error();
      co_return json::value(json::object{{"queue", keys->queue()}, {"id", *id}, {done, true}});
    };
  };

  auto queues = [ops](const Request&) -> awaitable<JsonResult> {
    json::array out;
    for (const auto& name : ops->queues) {
      auto keys = queue::QueueKeys::make(name);
      if (!keys) co_return keys.error();
      queue::Inspector inspector(*ops->redis, *keys);
      auto d = co_await inspector.depths();
      if (!d) co_return d.error();
      auto paused = co_await inspector.paused();
      if (!paused) co_return paused.error();
      out.push_back(json::object{{"name", name},
                                 {"paused", *paused},
                                 {"pending", d->pending},
                                 {"group_waiting", d->group_waiting},
                                 {"active", d->active},
                                 {"scheduled", d->scheduled},
                                 {"retry", d->retry},
                                 {"dead", d->dead}});
    }
    co_return json::value(json::object{{"queues", std::move(out)}});
  };

  auto pause = [ops](const Request& req) -> awaitable<JsonResult> {
    auto keys = queue_arg(req, *ops);
    if (!keys) co_return keys.error();
    queue::QueueAdmin admin(*ops->redis, *keys, *ops->clock);
    if (auto st = co_await admin.pause(); !st) co_return st.error();
    co_return json::value(json::object{{"queue", keys->queue()}, {"paused", true}});
  };

  auto resume = [ops](const Request& req) -> awaitable<JsonResult> {
    auto keys = queue_arg(req, *ops);
    if (!keys) co_return keys.error();
    queue::QueueAdmin admin(*ops->redis, *keys, *ops->clock);
    auto was = co_await admin.resume();
    if (!was) co_return was.error();
    co_return json::value(
        json::object{{"queue", keys->queue()}, {"paused", false}, {"was_paused", *was}});
  };

  auto schedules = [ops](const Request&) -> awaitable<JsonResult> {
    if (ops->scheduler == nullptr) co_return make_error(errc::unavailable, "no scheduler runs here");
    auto infos = co_await ops->scheduler->list();
    if (!infos) co_return infos.error();
    json::array out;
    for (const auto& s : *infos) {
      json::object o{{"name", s.name}, {"spec", s.spec}, {"zone", s.zone}, {"job", s.job},
                     {"queue", s.queue}};
      o["last_tick_ms"] = s.last_tick ? json::value(ms(*s.last_tick)) : json::value(nullptr);
      o["next_tick_ms"] = s.next_tick ? json::value(ms(*s.next_tick)) : json::value(nullptr);
      out.push_back(std::move(o));
    }
    co_return json::value(json::object{{"schedules", std::move(out)}});
  };

  auto trigger = [ops](const Request& req) -> awaitable<JsonResult> {
    if (ops->scheduler == nullptr) co_return make_error(errc::unavailable, "no scheduler runs here");
    auto name = control::args::get_string(req, "name");
    if (!name) co_return name.error();
    auto key = co_await ops->scheduler->trigger(*name);
    if (!key) co_return key.error();
    co_return json::value(json::object{{"name", *name}, {"unique_key", *key}});
  };

  using control::Effect;
  return registry.register_all({
      {"jobs.list", "jobs of a queue in a state {queue,state,limit,offset}", Effect::read_only, list},
      {"jobs.show", "one job: type, state, attempts, last error, payload {queue,id}", Effect::read_only, show},
      {"jobs.retry", "a dead job back to pending, attempts reset {queue,id}", Effect::mutating,
       admin_job(&queue::QueueAdmin::retry_dead, "retried")},
      {"jobs.delete", "delete a job that is not running {queue,id}", Effect::mutating,
       admin_job(&queue::QueueAdmin::remove, "deleted")},
      {"queues.list", "depth per state and paused flag of every queue", Effect::read_only, queues},
      {"queues.pause", "stop claiming from a queue on every instance {queue}", Effect::mutating, pause},
      {"queues.resume", "claim from a paused queue again {queue}", Effect::mutating, resume},
      {"schedules.list", "schedules with spec, zone, last and next tick", Effect::read_only, schedules},
      {"schedules.trigger", "enqueue a schedule's job now {name}", Effect::mutating, trigger},
  });
}

}  // namespace blazed::queue_ops
