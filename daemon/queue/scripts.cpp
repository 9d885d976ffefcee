// Owns the Lua source of the queue scripts and their KEYS/ARGV/return contracts.
//
// Conventions shared by all scripts:
// - Leases are on one clock, Redis's own: a lease deadline is set and judged against Redis TIME
//   (lease_now below), so instances whose clocks disagree still agree on which leases lapsed.
//   Their now_ms argument is '' in production; tests pass a manual clock's time there instead.
// - Other times (run-at, retry-at, ready) come from the caller's injected Clock, as decimal
//   strings: *_ms is Unix milliseconds, *_us Unix microseconds. Strings are stored as given,
//   never through a Lua number, so no precision is lost.
// - The queue's epoch (STRING epoch) names one life of its state: the claim script makes a new
//   one (the caller's random candidate) whenever the key is missing, i.e. after Redis lost the
//   queue (a restart without persistence, FLUSHALL). Every claim carries the epoch it was made
//   in, and a settle carrying another epoch is refused: ids and lease tokens start again in the
//   new state, and a stale worker's "7:T" must not settle the new job 7 claimed under token T.
// - A group lock group:G holds the running job's id; glocks (ZSET G -> lease deadline ms) carries
//   the holder's lease, renewed with it. The recover script frees a lock whose lease lapsed even
//   when its holder's job or active entry is gone (state lost), so the group's waiters run.
// - The job hash job:ID has short fields: t type, p payload, m max attempts (absent: the type's
//   default), r priority, o timeout ms, u unique key, g group, rd ready_us (when it last became
//   runnable; pickup latency is measured from it), a attempts that ended (failed or recovered;
//   the run's attempt = 1 + a), err last error, why dead reason, d died_ms. Fields at their
//   default are not stored (absent a, r mean 0), which keeps the hash small and cheap to write and read.
//   A claim writes nothing to the hash: attempts are counted when a run ends, not when it starts.
//   Jobs written before that carry c claims and h hand-backs instead (attempt = c - h + 1 while
//   queued); the attempt is read as 1 + a + c - h (claimed_job.cpp), so such jobs keep their count.
// - An active member is "ID:TOKEN" (and one keeper member, keys.hpp). TOKEN is the claim call's
//   lease token, one per call for all the jobs it claims: INCR of tokens plus 2^32 (a job's claim
//   count, the token before, stays far below, so an old run's member never names a new one). A
//   stale worker whose lease was recovered and re-claimed cannot ack, fail or renew the new run
//   (ZREM/ZSCORE miss).
// - pending is ordered by priority (0-15, higher first) then by id (FIFO).
#include "queue/scripts.hpp"

#include "queue/keys.hpp"

#include <string>

namespace blazed::queue::scripts {
namespace {

// Replaces ${name} with the key suffix of that name (keys.hpp stays the one source of names).
std::string with_keys(std::string src) {
  const std::pair<std::string_view, std::string_view> names[] = {
      {"${pending}", key_suffix::pending},     {"${job}", key_suffix::job},
      {"${unique}", key_suffix::unique},       {"${group}", key_suffix::group_lock},
      {"${gwait}", key_suffix::group_wait},    {"${gwaiting}", key_suffix::group_waiting},
      {"${notify}", key_suffix::notify},       {"${paused}", key_suffix::paused},
      {"${epoch}", key_suffix::epoch},         {"${active}", key_suffix::active},
      {"${glocks}", key_suffix::group_leases}, {"${tokens}", key_suffix::lease_tokens},
      {"${keeper}", active_keeper},
  };
  for (auto [from, to] : names) {
    for (auto pos = src.find(from); pos != std::string::npos; pos = src.find(from, pos))
      src.replace(pos, from.size(), to);
  }
  return src;
}

// Helpers every script starts with.
constexpr std::string_view prelude = R"lua(
local P = ARGV[1]
-- Numbers go to Redis as strings made with %d: Lua's own number formatting (%.14g/%.17g)
-- is a costly floating-point printf.
local function pending_score(pri, id) return string.format('%d', (15 - pri) * 1099511627776 + id) end
-- Wakes idle processors (they BLPOP the notify list); a few tokens at most, they are hints.
local function notify(n)
  if n <= 0 then return end
  local nk = P .. '${notify}'
  local room = 4 - redis.call('LLEN', nk)
  if room > n then room = n end
  for _ = 1, room do redis.call('LPUSH', nk, '1') end
end
-- Now in ms on the lease clock: Redis TIME, or the test's manual time when given.
local function lease_now(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function ms(n) return string.format('%d', n) end
-- Lease tokens from the tokens counter start here; a job's claim count (the token of jobs
-- claimed before) never reaches it.
local token_base = 4294967296
-- The lease of active member m is held: present, and its deadline not passed. A lapsed lease
-- may already be judged by a recoverer, so its holder can neither renew nor settle it.
local function held(m, now)
  local d = redis.call('ZSCORE', P .. '${active}', m)
  return d and tonumber(d) >= now
end
local function epoch_is(e) return e == redis.call('GET', P .. '${epoch}') end
local function to_pending(id)
  local pri = tonumber(redis.call('HGET', P .. '${job}' .. id, 'r')) or 0
  redis.call('ZADD', P .. '${pending}', pending_score(pri, tonumber(id)), id)
end
-- The group's lock is free: its next waiter (if any) goes to pending.
local function free_group(group)
  redis.call('DEL', P .. '${group}' .. group)
  redis.call('ZREM', P .. '${glocks}', group)
  local nxt = redis.call('LPOP', P .. '${gwait}' .. group)
  if nxt then
    redis.call('DECR', P .. '${gwaiting}')
    to_pending(nxt)
    notify(1)
  end
end
-- The group's running job is done (or gone): free the group and let its next waiter run.
local function release_group(id, group)
  if not group or group == '' then return end
  if redis.call('GET', P .. '${group}' .. group) ~= id then return end
  free_group(group)
end
local function release_unique(id, uniq)
  if not uniq or uniq == '' then return end
  local uk = P .. '${unique}' .. uniq
  if redis.call('GET', uk) == id then redis.call('DEL', uk) end
end
)lua";

redis::Script make(std::string_view body) {
  return redis::Script(with_keys(std::string(prelude) + std::string(body)));
}

}  // namespace

// enqueue: adds jobs, each pending now or scheduled for later.
// KEYS:   [1] seq, [2] pending, [3] scheduled
// ARGV:   [1] prefix, [2] now_ms, [3] now_us (the ready time of jobs due now), [4] N jobs, then
//         per job: type, payload, K, and K values: option pairs, only those not at their default:
//         m max_attempts, r priority 1-15, u unique key, g group, o timeout_ms (each stored in the
//         job hash under that name), s run_at_ms (later than now: scheduled)
// Returns one integer per job: the new id, or minus the id of the job already holding the
//         unique key (pending, scheduled, retry or active).
const redis::Script& enqueue() {
  static const redis::Script s = make(R"lua(
local now_ms = tonumber(ARGV[2])
local n = tonumber(ARGV[4])
local id = redis.call('INCRBY', KEYS[1], n) - n
local out = {}
local pend, sched = {}, {}
local ready = 0
-- Options come only when set: a job at every default is three arguments, not eight (each
-- argument is parsed, allocated and made a Lua string).
local jp = P .. '${job}'
-- Adds the job whose arguments start at ARGV[a], with its options (K > 0); returns where the
-- next job starts.
local function add_with_options(a)
  -- Only what is set goes into the hash: a small hash keeps it cheap to write and read.
  local f = {'t', ARGV[a], 'p', ARGV[a + 1], 'rd', ARGV[3]}
  local uniq, pri, run_at = '', 0, false
  local last = a + 2 + tonumber(ARGV[a + 2])
  for j = a + 3, last, 2 do
    local name, v = ARGV[j], ARGV[j + 1]
    if name == 's' then
      run_at = v
    else
      f[#f + 1] = name; f[#f + 1] = v
      if name == 'u' then uniq = v elseif name == 'r' then pri = tonumber(v) end
    end
  end
  if uniq ~= '' then
    local holder = redis.call('GET', P .. '${unique}' .. uniq)
    if holder and redis.call('EXISTS', jp .. holder) == 1 then
      out[#out + 1] = -tonumber(holder)
      return last + 1
    end
  end
  id = id + 1
  local sid = string.format('%d', id)
  local later = run_at and tonumber(run_at) > now_ms
  if later then f[6] = run_at .. '000' end
  if uniq ~= '' then redis.call('SET', P .. '${unique}' .. uniq, sid) end
  redis.call('HSET', jp .. sid, unpack(f))
  if later then
    sched[#sched + 1] = run_at; sched[#sched + 1] = sid
  else
    pend[#pend + 1] = pending_score(pri, id); pend[#pend + 1] = sid
    ready = ready + 1
  end
  out[#out + 1] = id
  return last + 1
end
local a = 5
for _ = 1, n do
  if ARGV[a + 2] == '0' then
    -- A job at every default (most are) takes the short way: no option table, nothing to look
    -- up (15 % fewer instructions per job for Redis).
    id = id + 1
    local sid = string.format('%d', id)
    redis.call('HSET', jp .. sid, 't', ARGV[a], 'p', ARGV[a + 1], 'rd', ARGV[3])
    pend[#pend + 1] = pending_score(0, id); pend[#pend + 1] = sid
    ready = ready + 1
    out[#out + 1] = id
    a = a + 3
  else
    a = add_with_options(a)
  end
end
-- One ZADD per set and 500 jobs rather than one per job (each redis.call has its cost), in
-- chunks that stay within what unpack() can put on Lua's stack.
local function zadd_all(key, pairs)
  for i = 1, #pairs, 1000 do
    redis.call('ZADD', key, unpack(pairs, i, math.min(i + 999, #pairs)))
  end
end
zadd_all(KEYS[2], pend)
zadd_all(KEYS[3], sched)
notify(ready)
return out
)lua");
  return s;
}

// claim: acks finished jobs, then claims up to N pending jobs under a lease. In steady state this
//        is the processor's only round trip: one call settles a batch and fetches the next.
//        A job whose group already has a running job is parked on gwait:G instead (it goes back
//        to pending when that job is settled).
// KEYS:   [1] pending, [2] active
// ARGV:   [1] prefix, [2] now_ms ('': Redis TIME), [3] lease ms, [4] epoch candidate (the new
//         epoch if the key is missing), [5] N (most to claim), [6] A (acks), [7] epoch of the
//         acked claims, then 4 per ack: id, token, unique key, group
// Returns {acked count, {ids whose lease was lost}, paused (1: the queue is paused, nothing was
//         claimed), epoch of the claims, lease token of the claims (0: none claimed), then per
//         claimed job, flat: id, K, and the K values of its hash as HGETALL gives them (field,
//         value, field, value...; absent fields take their defaults, see the job hash above)
const redis::Script& claim() {
  static const redis::Script s = make(R"lua(
local now = lease_now(ARGV[2])
local deadline = ms(now + tonumber(ARGV[3]))
local epoch = redis.call('GET', P .. '${epoch}')
-- Acks cost a few commands per batch (ZMSCORE, ZREM, DEL), not two per job.
local lost = {}
local done = {}
local gone = {}
local acks = tonumber(ARGV[6])
if acks > 0 and ARGV[7] ~= epoch then
  for i = 0, acks - 1 do lost[i + 1] = ARGV[8 + i * 4] end
elseif acks > 0 then
  local members = {}
  for i = 0, acks - 1 do
    members[i + 1] = ARGV[8 + i * 4] .. ':' .. ARGV[9 + i * 4]
  end
  local scores = redis.call('ZMSCORE', KEYS[2], unpack(members))
  -- Deadlines are compared only when some lease has lapsed (rare: the recoverer clears them), so
  -- the usual batch parses no score.
  local lapsed = #redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ms(now), 'LIMIT', 0, 1) > 0
  for i = 0, acks - 1 do
    local b = 7 + i * 4
    local id = ARGV[b + 1]
    local d = scores[i + 1]
    if d and (not lapsed or tonumber(d) >= now) then
      done[#done + 1] = members[i + 1]
      gone[#gone + 1] = P .. '${job}' .. id
      release_unique(id, ARGV[b + 3])
      release_group(id, ARGV[b + 4])
    else
      lost[#lost + 1] = id
    end
  end
  if #done > 0 then
    redis.call('ZREM', KEYS[2], unpack(done))
    redis.call('DEL', unpack(gone))
  end
end
if not epoch then
  epoch = ARGV[4]
  redis.call('SET', P .. '${epoch}', epoch)
end
local want = tonumber(ARGV[5])
-- A paused queue still takes acks (running jobs finish) but gives out no new work.
local paused = 0
if want > 0 and redis.call('EXISTS', P .. '${paused}') == 1 then
  paused = 1
  want = 0
end
local out = {#done, lost, paused, epoch, 0}
local n = 5
local zadd = {}
-- One lease token for every job of this call (taken when the first job is claimed).
local token, suffix
while want > 0 do
  local asked = want
  -- ZRANGE + ZREMRANGEBYRANK rather than ZPOPMIN: the same jobs, without formatting each
  -- one's score as a double for the reply.
  local popped = redis.call('ZRANGE', KEYS[1], 0, asked - 1)
  if #popped > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #popped - 1) end
  for i = 1, #popped do
    local id = popped[i]
    local jk = P .. '${job}' .. id
    -- HGETALL of the few fields set, passed through as they are: cheaper for Redis than asking
    -- for every field by name (HMGET's arguments) and building a reply value for each.
    local f = redis.call('HGETALL', jk)
    if #f > 0 then
      local group = ''
      for j = 1, #f, 2 do
        if f[j] == 'g' then group = f[j + 1] end
      end
      local blocked = false
      if group ~= '' then
        local lk = P .. '${group}' .. group
        local holder = redis.call('GET', lk)
        if holder and holder ~= id then
          blocked = true
          redis.call('RPUSH', P .. '${gwait}' .. group, id)
          redis.call('INCR', P .. '${gwaiting}')
        else
          redis.call('SET', lk, id)
          redis.call('ZADD', P .. '${glocks}', deadline, group)
        end
      end
      if not blocked then
        if not token then
          token = redis.call('INCR', P .. '${tokens}') + token_base
          suffix = ':' .. ms(token)
          out[5] = token
        end
        zadd[#zadd + 1] = deadline
        zadd[#zadd + 1] = id .. suffix
        -- Flat: a nested table per job cost more than the values in it.
        out[n + 1] = id; out[n + 2] = #f
        for j = 1, #f do out[n + 2 + j] = f[j] end
        n = n + 2 + #f
        want = want - 1
      end
    end
  end
  if #popped < asked then break end
end
-- The keeper first: it makes a new or listpack set a skiplist before the jobs go in.
if #zadd > 0 then redis.call('ZADD', KEYS[2], '+inf', '${keeper}', unpack(zadd)) end
return out
)lua");
  return s;
}

// fail: settles a failed attempt of a claimed job: to retry at a time, or to dead.
// KEYS:   [1] active, [2] retry, [3] dead
// ARGV:   [1] prefix, [2] id, [3] token, [4] unique key, [5] group, [6] 'retry' or 'dead',
//         [7] retry_at_ms (retry) or now_ms (dead), [8] last error, [9] dead reason,
//         [10] dead_max (oldest dead jobs beyond it are deleted), [11] epoch of the claim,
//         [12] lease now_ms ('': Redis TIME)
// Returns 1, or 0 when the lease was lost (lapsed, recovered elsewhere or another epoch; nothing
//         changed).
const redis::Script& fail() {
  static const redis::Script s = make(R"lua(
local id = ARGV[2]
local m = id .. ':' .. ARGV[3]
if not epoch_is(ARGV[11]) or not held(m, lease_now(ARGV[12])) then return 0 end
redis.call('ZREM', KEYS[1], m)
local jk = P .. '${job}' .. id
redis.call('HINCRBY', jk, 'a', 1)
if ARGV[6] == 'retry' then
  redis.call('HSET', jk, 'err', ARGV[8], 'rd', ARGV[7] .. '000')
  redis.call('ZADD', KEYS[2], ARGV[7], id)
else
  redis.call('HSET', jk, 'err', ARGV[8], 'why', ARGV[9], 'd', ARGV[7])
  redis.call('ZADD', KEYS[3], ARGV[7], id)
  release_unique(id, ARGV[4])
  local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[10])
  if excess > 0 then
    local old = redis.call('ZRANGE', KEYS[3], 0, excess - 1)
    redis.call('ZREMRANGEBYRANK', KEYS[3], 0, excess - 1)
    for _, o in ipairs(old) do redis.call('DEL', P .. '${job}' .. o) end
  end
end
release_group(id, ARGV[5])
return 1
)lua");
  return s;
}

// defer: the handler asked to run the job again later (defer_until): back to scheduled at that
//        time (or pending when it is already due) without counting the attempt.
// KEYS:   [1] active, [2] scheduled
// ARGV:   [1] prefix, [2] id, [3] token, [4] group, [5] until_ms, [6] now_ms, [7] epoch of the
//         claim, [8] lease now_ms ('': Redis TIME)
// Returns 1, or 0 when the lease was lost (lapsed, recovered elsewhere or another epoch; nothing
//         changed).
const redis::Script& defer() {
  static const redis::Script s = make(R"lua(
local id = ARGV[2]
local m = id .. ':' .. ARGV[3]
if not epoch_is(ARGV[7]) or not held(m, lease_now(ARGV[8])) then return 0 end
redis.call('ZREM', KEYS[1], m)
local jk = P .. '${job}' .. id
if tonumber(ARGV[5]) > tonumber(ARGV[6]) then
  redis.call('HSET', jk, 'rd', ARGV[5] .. '000')
  redis.call('ZADD', KEYS[2], ARGV[5], id)
else
  redis.call('HSET', jk, 'rd', ARGV[6] .. '000')
  to_pending(id)
  notify(1)
end
release_group(id, ARGV[4])
return 1
)lua");
  return s;
}

// resume: unpauses the queue and wakes idle processors (of every instance) to claim again.
// KEYS:   [1] paused
// ARGV:   [1] prefix
// Returns 1 when the queue was paused, 0 when it was not.
const redis::Script& resume() {
  static const redis::Script s = make(R"lua(
local was = redis.call('DEL', KEYS[1])
notify(4)
return was
)lua");
  return s;
}

// revive: an operator's retry of a dead job: back to pending with its attempts reset (a, and c
//         and h of the earlier shape, deleted: the next run is attempt 1; lease tokens come from
//         the tokens counter, so they keep growing and still fence any stale run). Its unique
//         key is taken again unless another live job holds it.
// KEYS:   [1] dead
// ARGV:   [1] prefix, [2] id, [3] now_us
// Returns 1 revived, 0 when the job is not dead, or minus the id of the job holding its unique key.
const redis::Script& revive() {
  static const redis::Script s = make(R"lua(
local id = ARGV[2]
if not redis.call('ZSCORE', KEYS[1], id) then return 0 end
local jk = P .. '${job}' .. id
local uniq = redis.call('HGET', jk, 'u')
if uniq and uniq ~= '' then
  local uk = P .. '${unique}' .. uniq
  local holder = redis.call('GET', uk)
  if holder and holder ~= id and redis.call('EXISTS', P .. '${job}' .. holder) == 1 then
    return -tonumber(holder)
  end
  redis.call('SET', uk, id)
end
redis.call('ZREM', KEYS[1], id)
redis.call('HDEL', jk, 'why', 'd', 'a', 'c', 'h')
redis.call('HSET', jk, 'rd', ARGV[3])
to_pending(id)
notify(1)
return 1
)lua");
  return s;
}

// remove: an operator's delete of a job that is not running: pending, scheduled, retry or dead.
// KEYS:   [1] pending, [2] scheduled, [3] retry, [4] dead
// ARGV:   [1] prefix, [2] id
// Returns 1 deleted, 0 no such job, -1 the job is active or waiting for its group (kept).
const redis::Script& remove() {
  static const redis::Script s = make(R"lua(
local id = ARGV[2]
local jk = P .. '${job}' .. id
if redis.call('EXISTS', jk) == 0 then return 0 end
local gone = false
for k = 1, 4 do
  if redis.call('ZREM', KEYS[k], id) == 1 then gone = true end
end
if not gone then return -1 end
release_unique(id, redis.call('HGET', jk, 'u'))
redis.call('DEL', jk)
return 1
)lua");
  return s;
}

// extend: renews the leases of running jobs (the heartbeat), one call for all of them. A lapsed
//         lease is not renewed (a recoverer may already have judged it): its run must stop.
// KEYS:   [1] active
// ARGV:   [1] prefix, [2] now_ms ('': Redis TIME), [3] lease ms, then 3 per run: active member
//         "id:token", epoch of the claim, group ('': none)
// Returns the members no longer held (lapsed, recovered elsewhere, or of another epoch).
const redis::Script& extend() {
  static const redis::Script s = make(R"lua(
local now = lease_now(ARGV[2])
local deadline = ms(now + tonumber(ARGV[3]))
local epoch = redis.call('GET', P .. '${epoch}')
local lost = {}
for i = 4, #ARGV, 3 do
  local m = ARGV[i]
  if ARGV[i + 1] == epoch and held(m, now) then
    redis.call('ZADD', KEYS[1], 'XX', deadline, m)
    if ARGV[i + 2] ~= '' then redis.call('ZADD', P .. '${glocks}', 'XX', deadline, ARGV[i + 2]) end
  else
    lost[#lost + 1] = m
  end
end
return lost
)lua");
  return s;
}

// handback: returns claimed jobs to pending without counting the attempt (graceful stop).
// KEYS:   [1] active
// ARGV:   [1] prefix, [2] now_us, [3] epoch of the claims, then 3 per job: id, token, group
// Returns the number handed back (jobs whose lease was already lost are skipped).
const redis::Script& handback() {
  static const redis::Script s = make(R"lua(
if not epoch_is(ARGV[3]) then return 0 end
local n = 0
for i = 4, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('ZREM', KEYS[1], id .. ':' .. ARGV[i + 1]) == 1 then
    local jk = P .. '${job}' .. id
    redis.call('HSET', jk, 'rd', ARGV[2])
    to_pending(id)
    release_group(id, ARGV[i + 2])
    n = n + 1
  end
end
notify(n)
return n
)lua");
  return s;
}

// recover: puts jobs whose lease expired (their worker died, hung or lost Redis) back to pending,
//          then frees group locks whose lease lapsed while their holder is gone (its job or active
//          entry lost), so no group waits forever. The attempt stays counted; a job recovered
//          after its last attempt goes to dead when next claimed.
// KEYS:   [1] active
// ARGV:   [1] prefix, [2] now_ms ('': Redis TIME), [3] now_us (the jobs' new ready time), [4] most
//         to recover in this call
// Returns {ids recovered, groups healed}.
const redis::Script& recover() {
  static const redis::Script s = make(R"lua(
local now = ms(lease_now(ARGV[2]))
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, ARGV[4])
local out = {}
for _, m in ipairs(expired) do
  redis.call('ZREM', KEYS[1], m)
  local id, token = string.match(m, '^(%d+):(%d+)$')
  if id and redis.call('EXISTS', P .. '${job}' .. id) == 1 then
    local jk = P .. '${job}' .. id
    redis.call('HSET', jk, 'rd', ARGV[3])
    -- The lapsed run's attempt counts (a claim of the earlier shape counted it in c already).
    if tonumber(token) >= token_base then redis.call('HINCRBY', jk, 'a', 1) end
    to_pending(id)
    release_group(id, redis.call('HGET', jk, 'g'))
    out[#out + 1] = id
  end
end
notify(#out)
-- What is left lapsed in glocks has no live holder to release it.
local orphans = redis.call('ZRANGEBYSCORE', P .. '${glocks}', '-inf', '(' .. now, 'LIMIT', 0, ARGV[4])
for _, g in ipairs(orphans) do free_group(g) end
return {out, orphans}
)lua");
  return s;
}

// forward: moves due scheduled and retry jobs to pending.
// KEYS:   [1] scheduled, [2] retry
// ARGV:   [1] prefix, [2] now_ms, [3] most to move from each set in this call
// Returns {moved from scheduled, moved from retry}.
const redis::Script& forward() {
  static const redis::Script s = make(R"lua(
local counts = {}
for k = 1, 2 do
  local due = redis.call('ZRANGEBYSCORE', KEYS[k], '-inf', ARGV[2], 'WITHSCORES', 'LIMIT', 0, ARGV[3])
  local n = 0
  for i = 1, #due, 2 do
    local id = due[i]
    redis.call('ZREM', KEYS[k], id)
    redis.call('HSET', P .. '${job}' .. id, 'rd', due[i + 1] .. '000')
    to_pending(id)
    n = n + 1
  end
  counts[k] = n
end
notify(counts[1] + counts[2])
return counts
)lua");
  return s;
}

}  // namespace blazed::queue::scripts
