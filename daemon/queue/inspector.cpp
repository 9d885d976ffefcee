// Owns the read-only queries behind queue depths, dead-job listings, job listings and states.
#include "queue/inspector.hpp"

#include <charconv>

namespace blazed::queue {
namespace {

// How many jobs the set holds: for `active`, its members short of +inf (not the keeper).
redis::Args count_jobs(const QueueKeys& keys, const std::string& key) {
  if (key == keys.active()) return redis::Args{"ZCOUNT", key, "-inf", "(+inf"};
  return redis::Args{"ZCARD", key};
}

}  // namespace

Inspector::Inspector(redis::RedisClient& client, QueueKeys keys)
    : client_(client), keys_(std::move(keys)) {}

awaitable<Result<Depths>> Inspector::depths() {
  std::vector<redis::Args> cmds;
  for (const std::string& k :
       {keys_.pending(), keys_.active(), keys_.scheduled(), keys_.retry(), keys_.dead()})
    cmds.push_back(count_jobs(keys_, k));
  cmds.push_back(redis::Args{"GET", keys_.group_waiting()});
  auto r = co_await client_.pipeline(std::move(cmds));
  if (!r) co_return r.error().context("queue depths");
  auto n = [&](std::size_t i) {
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, (*r)[i].to_int().value_or(0)));
  };
  Depths d;
  d.group_waiting = n(5);
  d.pending = n(0) + d.group_waiting;
  d.active = n(1);
  d.scheduled = n(2);
  d.retry = n(3);
  d.dead = n(4);
  co_return d;
}

awaitable<Result<std::vector<DeadJob>>> Inspector::dead_jobs(std::size_t limit) {
  if (limit == 0) co_return std::vector<DeadJob>{};
  redis::Args range{"ZREVRANGE", keys_.dead(), "0"};
  range.add(limit - 1);
  auto ids = co_await client_.command(std::move(range));
  if (!ids) co_return ids.error().context("dead jobs");
  std::vector<redis::Args> cmds;
  for (const auto& id : ids->elements()) {
    redis::Args hmget{"HMGET", keys_.prefix() + "job:" + id.str(), "t", "why", "err", "d", "a", "c", "h"};
    cmds.push_back(std::move(hmget));
  }
  std::vector<DeadJob> out;
  if (cmds.empty()) co_return out;
  auto r = co_await client_.pipeline(std::move(cmds));
  if (!r) co_return r.error().context("dead jobs");
  for (std::size_t i = 0; i < r->size(); ++i) {
    const redis::Reply& f = (*r)[i];
    DeadJob d;
    d.id = (*ids)[i].to_int().value_or(0);
    d.type = f[0].str();
    d.reason = f[1].str();
    d.last_error = f[2].str();
    d.died_ms = f[3].to_int().value_or(0);
    d.attempts = static_cast<int>(f[4].to_int().value_or(0) + f[5].to_int().value_or(0) -
                                  f[6].to_int().value_or(0));
    out.push_back(std::move(d));
  }
  co_return out;
}

awaitable<Result<std::optional<State>>> Inspector::state_of(std::int64_t id) {
  std::string sid = std::to_string(id);
  std::vector<redis::Args> cmds;
  cmds.push_back(redis::Args{"ZSCORE", keys_.pending(), sid});
  cmds.push_back(redis::Args{"ZSCORE", keys_.scheduled(), sid});
  cmds.push_back(redis::Args{"ZSCORE", keys_.retry(), sid});
  cmds.push_back(redis::Args{"ZSCORE", keys_.dead(), sid});
  cmds.push_back(redis::Args{"EXISTS", keys_.job(id)});
  auto r = co_await client_.pipeline(std::move(cmds));
  if (!r) co_return r.error().context("job state");
  if (!(*r)[0].is_nil()) co_return std::optional<State>(State::pending);
  if (!(*r)[1].is_nil()) co_return std::optional<State>(State::scheduled);
  if (!(*r)[2].is_nil()) co_return std::optional<State>(State::retry);
  if (!(*r)[3].is_nil()) co_return std::optional<State>(State::dead);
  if ((*r)[4].to_int().value_or(0) == 0) co_return std::optional<State>();
  // Not in a sorted set but the hash exists: active, or parked for its group.
  auto lease = co_await lease_of(id);
  if (!lease) co_return lease.error().context("job state");
  co_return std::optional<State>(*lease ? State::active : State::pending);
}

}  // namespace blazed::queue

namespace blazed::queue {
namespace {

redis::Args job_fields(const QueueKeys& keys, std::int64_t id) {
  return redis::Args{"HMGET", keys.job(id), "t", "p", "m", "r", "g", "a", "c", "h", "err", "why"};
}

int small_int(const redis::Reply& r) { return static_cast<int>(r.to_int().value_or(0)); }

// Fills a JobInfo from job_fields()'s reply; false when the hash is gone.
bool read_fields(const redis::Reply& f, JobInfo& j) {
  if (!f.is_array() || f.size() < 10 || f[0].is_nil()) return false;
  j.type = f[0].str();
  j.payload = f[1].str();
  j.max_attempts = small_int(f[2]);
  j.priority = small_int(f[3]);
  j.group = f[4].str();
  j.attempts = small_int(f[5]) + small_int(f[6]) - small_int(f[7]);
  j.last_error = f[8].str();
  j.dead_reason = f[9].str();
  return true;
}

std::int64_t parse_id(std::string_view member) {
  std::int64_t id = 0;
  std::from_chars(member.data(), member.data() + member.size(), id);  // stops at ':' of id:token
  return id;
}

std::int64_t score_ms(const redis::Reply& r) {
  double d = 0;
  if (auto i = r.to_int()) return *i;
  try {
    d = std::stod(r.str());
  } catch (const std::exception&) {
    return 0;
  }
  return static_cast<std::int64_t>(d);
}

}  // namespace

awaitable<Result<JobPage>> Inspector::list(State state, std::size_t offset, std::size_t limit) {
  JobPage page;
  std::string key;
  switch (state) {
    case State::pending: key = keys_.pending(); break;
    case State::active: key = keys_.active(); break;
    case State::scheduled: key = keys_.scheduled(); break;
    case State::retry: key = keys_.retry(); break;
    case State::dead: key = keys_.dead(); break;
    case State::completed: co_return page;
  }
  std::vector<redis::Args> first;
  first.push_back(count_jobs(keys_, key));
  if (limit > 0) {
    redis::Args range{state == State::dead ? "ZREVRANGE" : "ZRANGE", key};
    range.add(offset).add(offset + limit - 1).add("WITHSCORES");
    first.push_back(std::move(range));
  }
  auto r = co_await client_.pipeline(std::move(first));
  if (!r) co_return r.error().context("list jobs");
  page.total = static_cast<std::uint64_t>(std::max<std::int64_t>(0, (*r)[0].to_int().value_or(0)));
  if (limit == 0) co_return page;
  const redis::Reply& members = (*r)[1];
  std::vector<redis::Args> reads;
  for (std::size_t i = 0; i + 1 < members.size(); i += 2) {
    if (members[i].str() == active_keeper) continue;  // sorts last: the offsets before it hold
    JobInfo j;
    j.id = parse_id(members[i].str());
    j.state = state;
    if (state != State::pending) j.at_ms = score_ms(members[i + 1]);
    reads.push_back(job_fields(keys_, j.id));
    page.jobs.push_back(std::move(j));
  }
  if (reads.empty()) co_return page;
  auto f = co_await client_.pipeline(std::move(reads));
  if (!f) co_return f.error().context("list jobs");
  std::vector<JobInfo> kept;
  for (std::size_t i = 0; i < page.jobs.size(); ++i) {
    // A job settled between the two round trips is skipped.
    if (read_fields((*f)[i], page.jobs[i])) kept.push_back(std::move(page.jobs[i]));
  }
  page.jobs = std::move(kept);
  co_return page;
}

awaitable<Result<std::optional<JobInfo>>> Inspector::show(std::int64_t id) {
  auto state = co_await state_of(id);
  if (!state) co_return state.error();
  if (!*state) co_return std::optional<JobInfo>();
  JobInfo j;
  j.id = id;
  j.state = **state;
  std::vector<redis::Args> cmds;
  cmds.push_back(job_fields(keys_, id));
  std::string sid = std::to_string(id);
  switch (j.state) {
    case State::scheduled: cmds.push_back(redis::Args{"ZSCORE", keys_.scheduled(), sid}); break;
    case State::retry: cmds.push_back(redis::Args{"ZSCORE", keys_.retry(), sid}); break;
    case State::dead: cmds.push_back(redis::Args{"ZSCORE", keys_.dead(), sid}); break;
    default: break;
  }
  auto r = co_await client_.pipeline(std::move(cmds));
  if (!r) co_return r.error().context("show job");
  if (!read_fields((*r)[0], j)) co_return std::optional<JobInfo>();
  if (r->size() > 1) j.at_ms = score_ms((*r)[1]);
  if (j.state == State::active) {
    auto lease = co_await lease_of(id);
    if (!lease) co_return lease.error().context("show job");
    j.at_ms = lease->value_or(0);
  }
  co_return std::optional<JobInfo>(std::move(j));
}

awaitable<Result<bool>> Inspector::paused() {
  redis::Args exists{"EXISTS", keys_.paused()};
  auto r = co_await client_.command(std::move(exists));
  if (!r) co_return r.error().context("queue paused");
  co_return r->to_int().value_or(0) == 1;
}

awaitable<Result<std::optional<std::int64_t>>> Inspector::lease_of(std::int64_t id) {
  const std::string prefix = std::to_string(id) + ":";
  std::string cursor = "0";
  do {
    redis::Args scan{"ZSCAN", keys_.active(), cursor, "MATCH", prefix + "*", "COUNT", "1000"};
    auto r = co_await client_.command(std::move(scan));
    if (!r) co_return r.error();
    if (!r->is_array() || r->size() < 2) co_return std::optional<std::int64_t>();
    cursor = (*r)[0].str();
    const redis::Reply& found = (*r)[1];
    if (found.size() >= 2) co_return std::optional<std::int64_t>(score_ms(found[1]));
  } while (cursor != "0");
  co_return std::optional<std::int64_t>();
}

}  // namespace blazed::queue
