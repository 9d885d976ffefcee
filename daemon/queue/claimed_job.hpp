// Owns reading a claimed job out of the claim script's reply, where each job is its id and its
// hash's fields as HGETALL gives them (the hash's short field names are listed in scripts.cpp).
#pragma once

#include "queue/job.hpp"
#include "redis/reply.hpp"

#include <cstddef>
#include <optional>

namespace blazed::queue {

// Reads the job whose id is reply[at] (then K, then K field/value values) into `job` (its id,
// fields and attempt; token, epoch and queue are the caller's). Returns the index after it, or
// nullopt when the reply is cut short or K is not an even count.
std::optional<std::size_t> read_claimed_job(const redis::Reply& reply, std::size_t at, Job& job);

}  // namespace blazed::queue
