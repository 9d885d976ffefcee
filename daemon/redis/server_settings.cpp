// Owns reading and judging the Redis server's settings (see server_settings.hpp).
#include "redis/server_settings.hpp"

#include <string_view>

namespace blazed::redis {

namespace {

// The value of `field` in an INFO reply ("field:value" lines), or "".
std::string info_field(const std::string& info, std::string_view field) {
  const std::string key = std::string(field) + ":";
  for (std::size_t at = 0; at < info.size();) {
    auto end = info.find('\n', at);
    if (end == std::string::npos) end = info.size();
    std::string_view line(info.data() + at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.substr(0, key.size()) == key) return std::string(line.substr(key.size()));
    at = end + 1;
  }
  return {};
}

}  // namespace

boost::asio::awaitable<Result<ServerSettings>> read_server_settings(RedisClient& client) {
  // Named: GCC 12 mishandles temporaries inside a co_await expression.
  Args get_policy{"CONFIG", "GET", "maxmemory-policy"};
  Args info_persistence{"INFO", "persistence"};
  Args get_save{"CONFIG", "GET", "save"};
  Args info_replication{"INFO", "replication"};
  ServerSettings s;
  auto policy = co_await client.command(std::move(get_policy));
  if (!policy) co_return policy.error().context("CONFIG GET maxmemory-policy");
  if (policy->is_array() && policy->size() == 2) s.maxmemory_policy = (*policy)[1].str();
  auto persistence = co_await client.command(std::move(info_persistence));
  if (!persistence) co_return persistence.error().context("INFO persistence");
  s.aof = info_field(persistence->str(), "aof_enabled") == "1";
  auto save = co_await client.command(std::move(get_save));
  if (!save) co_return save.error().context("CONFIG GET save");
  // Without CONFIG, a past RDB save is the next best sign of snapshots.
  s.rdb = save->is_array() && save->size() == 2
              ? !(*save)[1].str().empty()
              : info_field(persistence->str(), "rdb_last_save_time") != "0";
  auto replication = co_await client.command(std::move(info_replication));
  if (!replication) co_return replication.error().context("INFO replication");
  s.role = info_field(replication->str(), "role");
  co_return s;
}

std::optional<std::string> eviction_problem(const ServerSettings& s) {
  if (!s.maxmemory_policy)
    return "maxmemory-policy could not be read (CONFIG refused); it must be noeviction";
  if (*s.maxmemory_policy != "noeviction")
    return "maxmemory-policy is " + *s.maxmemory_policy +
           ": Redis may evict queue keys under memory pressure; it must be noeviction";
  return std::nullopt;
}

std::string describe(const ServerSettings& s) {
  std::string out = "maxmemory-policy=" + s.maxmemory_policy.value_or("unknown");
  out += s.aof ? " aof=on" : " aof=off";
  out += s.rdb ? " rdb=on" : " rdb=off";
  if (!s.aof && !s.rdb) out += " (a restart loses the queue)";
  if (!s.role.empty()) out += " role=" + s.role;
  return out;
}

}  // namespace blazed::redis
