// Owns every Redis key name of the job queue. All keys of queue NAME start with "{q:NAME}:" so they
// share one hash tag (one Redis Cluster slot) and one Lua script may touch any of them.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::queue {

// Suffixes after the queue prefix. The Lua scripts build per-job keys from the same constants
// (scripts.cpp interpolates them), so this file stays the one place that names keys.
namespace key_suffix {
inline constexpr std::string_view pending = "pending";      // ZSET id -> priority/order score
inline constexpr std::string_view active = "active";        // ZSET "id:token" -> lease deadline ms
inline constexpr std::string_view scheduled = "scheduled";  // ZSET id -> run-at ms
inline constexpr std::string_view retry = "retry";          // ZSET id -> retry-at ms
inline constexpr std::string_view dead = "dead";            // ZSET id -> died-at ms
inline constexpr std::string_view seq = "seq";              // STRING counter: the last job id
inline constexpr std::string_view notify = "notify";        // LIST of wake-up tokens (few)
inline constexpr std::string_view group_waiting = "gwaiting";  // STRING count of group-blocked
inline constexpr std::string_view paused = "paused";        // STRING "1" while the queue is paused
inline constexpr std::string_view epoch = "epoch";          // STRING this life of the queue's state
inline constexpr std::string_view group_leases = "glocks";  // ZSET group -> its holder's lease ms
inline constexpr std::string_view lease_tokens = "tokens";  // STRING counter: the last claim call's lease token
inline constexpr std::string_view job = "job:";             // HASH job:ID, the job's fields
inline constexpr std::string_view unique = "unique:";       // STRING unique:KEY -> job id
inline constexpr std::string_view group_lock = "group:";    // STRING group:G -> running job id
inline constexpr std::string_view group_wait = "gwait:";    // LIST gwait:G of blocked job ids
}  // namespace key_suffix

// Not a job: a member of `active`, scored +inf (never lapses, sorts last), whose length is over
// Redis's zset-max-listpack-value (64) so the set stays a skiplist. A small sorted set is a
// listpack, and each of a claim's inserts then scans every member: that was the largest single
// cost of a claim. Readers of `active` skip it (a count is ZCOUNT up to but excluding +inf).
inline constexpr std::string_view active_keeper =
    "~not a job: a member this long keeps the set a skiplist, so claims insert without a scan";

class QueueKeys {
 public:
  // Fails with "bad_queue_name" unless the name is 1-64 of [A-Za-z0-9_.-].
  static Result<QueueKeys> make(std::string_view queue);

  [[nodiscard]] const std::string& queue() const noexcept { return queue_; }
  // "{q:NAME}:" the prefix every key of this queue starts with.
  [[nodiscard]] const std::string& prefix() const noexcept { return prefix_; }

  [[nodiscard]] std::string pending() const { return key(key_suffix::pending); }
  [[nodiscard]] std::string active() const { return key(key_suffix::active); }
  [[nodiscard]] std::string scheduled() const { return key(key_suffix::scheduled); }
  [[nodiscard]] std::string retry() const { return key(key_suffix::retry); }
  [[nodiscard]] std::string dead() const { return key(key_suffix::dead); }
  [[nodiscard]] std::string seq() const { return key(key_suffix::seq); }
  [[nodiscard]] std::string notify() const { return key(key_suffix::notify); }
  [[nodiscard]] std::string group_waiting() const { return key(key_suffix::group_waiting); }
  [[nodiscard]] std::string paused() const { return key(key_suffix::paused); }
  [[nodiscard]] std::string epoch() const { return key(key_suffix::epoch); }
  [[nodiscard]] std::string group_leases() const { return key(key_suffix::group_leases); }
  [[nodiscard]] std::string job(std::int64_t id) const;
  [[nodiscard]] std::string unique(std::string_view unique_key) const;
  [[nodiscard]] std::string group_lock(std::string_view group) const;
  [[nodiscard]] std::string group_wait(std::string_view group) const;

 private:
  explicit QueueKeys(std::string_view queue);
  [[nodiscard]] std::string key(std::string_view suffix) const { return prefix_ + std::string(suffix); }

  std::string queue_;
  std::string prefix_;
};

}  // namespace blazed::queue

// Keys of the scheduler and the rate limiter. One hash tag per schedule and
// per seller, so each Lua script's keys share a cluster slot.
namespace blazed::queue {

// {sched:NAME}:last: ms of the schedule's last enqueued tick (or its first-start mark).
std::string schedule_last_key(std::string_view schedule);
// {sched:NAME}:fence:TICKMS: the instance holding that tick; expires after the fence TTL.
std::string schedule_fence_key(std::string_view schedule, std::int64_t tick_ms);
// {sync:SELLER}:fence:SLOTMS: the instance that enqueued the seller's sync for that slot.
std::string seller_slot_fence_key(std::int64_t seller_id, std::int64_t slot_ms);
// {rl:SELLER}:OPERATION: the token bucket of one seller and SP-API operation (a hash).
std::string rate_limit_key(std::int64_t seller_id, std::string_view operation);
// SCAN MATCH patterns of every key above bound to one seller (its fences and rate buckets), for
// the account deletion. Its queued jobs are in the queues' own keys.
std::vector<std::string> seller_key_patterns(std::int64_t seller_id);

}  // namespace blazed::queue
