// Owns what an account deletion removes from Redis: the seller's queued jobs (with their unique
// keys) in every queue, and every key bound to the seller (sync slot fences, rate-limit buckets).
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace blazed::redis {
class RedisClient;
}

namespace blazed::jobs::deletion {

// Removes the jobs of `queues` whose payload names the seller (`"seller_id": ID`), except
// `keep_job` (the deletion itself), and the seller's keys. Returns how many jobs and keys went.
// A job running or waiting for its group is left (it ends on its own: the seller is not active).
boost::asio::awaitable<Result<std::int64_t>> delete_seller_redis(redis::RedisClient& redis, const Clock& clock,
                                                                 const std::vector<std::string>& queues,
                                                                 std::int64_t seller_id, std::int64_t keep_job);

}  // namespace blazed::jobs::deletion
