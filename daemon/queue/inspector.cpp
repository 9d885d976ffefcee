// Owns the read-only queries behind queue depths, dead-job listings and job states.
#include "queue/inspector.hpp"

namespace blazed::queue {

Inspector::Inspector(redis::RedisClient& client, QueueKeys keys)
    : client_(client), keys_(std::move(keys)) {}

awaitable<Result<Depths>> Inspector::depths() {
  std::vector<redis::Args> cmds;
  for (const std::string& k :
       {keys_.pending(), keys_.active(), keys_.scheduled(), keys_.retry(), keys_.dead()})
    cmds.push_back(redis::Args{"ZCARD", k});
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
    redis::Args hmget{"HMGET", keys_.prefix() + "job:" + id.str(), "t", "why", "err", "d", "c", "h"};
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
    d.attempts = static_cast<int>(f[4].to_int().value_or(0) - f[5].to_int().value_or(0));
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
  cmds.push_back(redis::Args{"HMGET", keys_.job(id), "c", "g"});
  auto r = co_await client_.pipeline(std::move(cmds));
  if (!r) co_return r.error().context("job state");
  if (!(*r)[0].is_nil()) co_return std::optional<State>(State::pending);
  if (!(*r)[1].is_nil()) co_return std::optional<State>(State::scheduled);
  if (!(*r)[2].is_nil()) co_return std::optional<State>(State::retry);
  if (!(*r)[3].is_nil()) co_return std::optional<State>(State::dead);
  const redis::Reply& fields = (*r)[4];
  if (fields[0].is_nil()) co_return std::optional<State>();
  // Not in a sorted set but the hash exists: active under token c, or parked for its group.
  redis::Args score{"ZSCORE", keys_.active(), sid + ":" + fields[0].str()};
  auto a = co_await client_.command(std::move(score));
  if (!a) co_return a.error().context("job state");
  co_return std::optional<State>(a->is_nil() ? State::pending : State::active);
}

}  // namespace blazed::queue
