// Owns the check of the Redis server's own settings that decide what the queue can lose: the
// eviction policy (anything but noeviction may drop queue keys under memory pressure) and
// persistence (AOF, RDB snapshots). Read at start-up and after every reconnect.
#pragma once

#include "core/error.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace blazed::redis {

struct ServerSettings {
  // maxmemory-policy; nullopt when CONFIG GET is refused (managed Redis often renames CONFIG).
  std::optional<std::string> maxmemory_policy;
  bool aof = false;         // appendonly yes
  bool rdb = false;         // RDB snapshots configured (a non-empty save schedule)
  std::string role;         // master or slave (INFO replication)
};

// One CONFIG GET and two INFO sections. Fails only when Redis does not answer.
boost::asio::awaitable<Result<ServerSettings>> read_server_settings(RedisClient& client);

// What is wrong for the queue, or nullopt: the eviction policy is not noeviction (or could not
// be read).
std::optional<std::string> eviction_problem(const ServerSettings& s);
// One line for logs and readiness: policy, persistence and role.
std::string describe(const ServerSettings& s);

}  // namespace blazed::redis
