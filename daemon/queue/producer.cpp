// Owns turning jobs into one call of the enqueue script and reading its answer.
#include "queue/producer.hpp"

#include "queue/errc.hpp"
#include "queue/scripts.hpp"
#include "redis/errc.hpp"

#include <algorithm>

namespace blazed::queue {

namespace {
std::int64_t unix_micros(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
}  // namespace

Producer::Producer(redis::RedisClient& client, QueueKeys keys, const Clock& clock)
    : client_(client), keys_(std::move(keys)), clock_(clock) {}

awaitable<Result<Enqueued>> Producer::enqueue(std::string type, std::string payload,
                                              EnqueueOptions options) {
  std::vector<NewJob> one;
  one.push_back(NewJob{std::move(type), std::move(payload), std::move(options)});
  auto r = co_await enqueue_batch(one);
  if (!r) co_return r.error();
  co_return r->front();
}

awaitable<Result<Enqueued>> Producer::enqueue_at(std::string type, std::string payload,
                                                 Clock::time_point at, EnqueueOptions options) {
  options.run_at = at;
  co_return co_await enqueue(std::move(type), std::move(payload), std::move(options));
}

awaitable<Result<Enqueued>> Producer::enqueue_after(std::string type, std::string payload,
                                                    Clock::duration delay, EnqueueOptions options) {
  options.run_at = clock_.now() + delay;
  co_return co_await enqueue(std::move(type), std::move(payload), std::move(options));
}

awaitable<Result<std::vector<Enqueued>>> Producer::enqueue_batch(const std::vector<NewJob>& jobs) {
  if (jobs.empty()) co_return std::vector<Enqueued>{};
  auto now = clock_.now();
  const auto& script = scripts::enqueue();
  redis::Args call = script.call(3);
  call.add(keys_.seq()).add(keys_.pending()).add(keys_.scheduled());
  call.add(keys_.prefix()).add(unix_millis(now)).add(unix_micros(now)).add(jobs.size());
  for (const NewJob& j : jobs) {
    const EnqueueOptions& o = j.options;
    if (j.type.empty()) co_return make_error(errc::bad_job, "a job needs a type");
    if (o.priority < 0 || o.priority > 15)
      co_return make_error(errc::bad_job, "priority must be 0-15");
    if (o.max_attempts < 0) co_return make_error(errc::bad_job, "max_attempts must be >= 0");
    call.add(j.type).add(j.payload);
    // Only the options not at their default, as name/value pairs after their count.
    const int count = 2 * ((o.max_attempts != 0) + (o.priority != 0) + o.run_at.has_value() +
                           !o.unique_key.empty() + !o.group.empty() + (o.timeout.count() != 0));
    call.add(count);
    if (o.max_attempts != 0) call.add("m").add(o.max_attempts);
    if (o.priority != 0) call.add("r").add(o.priority);
    if (o.run_at) call.add("s").add(std::max<std::int64_t>(unix_millis(*o.run_at), 0));
    if (!o.unique_key.empty()) call.add("u").add(o.unique_key);
    if (!o.group.empty()) call.add("g").add(o.group);
    if (o.timeout.count() != 0) call.add("o").add(static_cast<std::int64_t>(o.timeout.count()));
  }
  auto r = co_await client_.eval(script, std::move(call));
  if (!r) co_return r.error().context("enqueue");
  if (r->is_error()) co_return make_error(redis::errc::redis_error, "enqueue: script failed: " + r->str());
  if (!r->is_array() || r->size() != jobs.size())
    co_return make_error(errc::redis_protocol, "enqueue: unexpected reply " + redis::describe(*r));
  std::vector<Enqueued> out;
  out.reserve(jobs.size());
  for (const redis::Reply& e : r->elements()) {
    std::int64_t v = e.as_integer();
    out.push_back(Enqueued{v < 0 ? -v : v, v < 0});
  }
  co_return out;
}

}  // namespace blazed::queue
