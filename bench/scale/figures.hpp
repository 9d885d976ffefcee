// Owns the scale bench's measurements outside the daemons' /proc: Redis memory and keys (with a
// census of the key kinds), PostgreSQL's database size, the /metrics exposition's size, and the
// sellers synced so far.
#pragma once

#include "harness/daemon_env.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace blazed::bench {

struct RedisFigures {
  double used_bytes = 0;  // INFO used_memory: the keys plus Redis's fixed costs (clients, scripts)
  double key_bytes = 0;   // MEMORY USAGE summed over every key: what the data itself costs
  long keys = 0;
  // Keys per kind: the key with its digits replaced by N ("{sync:N}:fence:N", "{rl:N}:searchOrders").
  std::map<std::string, long> kinds;
};
RedisFigures redis_figures(testing::DaemonEnv& env, bool census);

double pg_database_bytes(testing::DaemonEnv& env);

// Sellers whose last sync of both data types succeeded.
long sellers_synced(testing::DaemonEnv& env);

// The size of one /metrics answer of the daemon on `port` (0 when nothing answered).
std::size_t metrics_bytes(std::uint16_t port);

}  // namespace blazed::bench
