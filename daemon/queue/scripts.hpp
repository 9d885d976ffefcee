// Owns the queue's Lua scripts: every hot-path state change is one script, so no job is ever
// half-moved. Each script's KEYS/ARGV/return contract is written above its source in scripts.cpp.
#pragma once

#include "redis/script.hpp"

#include <cstddef>

namespace blazed::queue::scripts {

// ARGV[1] of every script is the queue's key prefix "{q:NAME}:"; per-job keys (job:ID,
// unique:KEY, group:G, gwait:G) are built from it and share the queue's hash tag.
const redis::Script& enqueue();   // add jobs: pending now, or scheduled for later
const redis::Script& claim();     // ack finished jobs, then claim up to N pending ones
const redis::Script& fail();      // a failed attempt: to retry (backoff) or to dead
const redis::Script& defer();     // handler deferred: to scheduled, attempt not counted
const redis::Script& extend();    // heartbeat: renew the leases of running jobs
const redis::Script& handback();  // graceful stop: back to pending, attempt not counted
const redis::Script& recover();   // expired leases back to pending
const redis::Script& forward();   // due scheduled/retry jobs to pending
const redis::Script& resume();    // unpause a queue and wake idle processors
const redis::Script& revive();    // operator retry of a dead job (attempts reset)
const redis::Script& remove();    // operator delete of a job that is not running

}  // namespace blazed::queue::scripts
