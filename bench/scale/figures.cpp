// Owns the scale bench's Redis, PostgreSQL and /metrics figures (see figures.hpp).
#include "scale/figures.hpp"

#include "harness/daemon_process.hpp"

#include <cctype>
#include <sstream>
#include <stdexcept>

namespace blazed::bench {

namespace {

std::string redis_cli(testing::DaemonEnv& env, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"redis-cli", "-p", std::to_string(env.redis().port())};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = testing::run_command(argv, {}, std::chrono::minutes(5));
  if (r.exit_code != 0) throw std::runtime_error("redis-cli: " + r.output);
  return r.output;
}

std::string kind_of(const std::string& key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(key[i]))) {
      out += 'N';
      while (i + 1 < key.size() && std::isdigit(static_cast<unsigned char>(key[i + 1]))) ++i;
    } else {
      out += key[i];
    }
  }
  return out;
}

}  // namespace

RedisFigures redis_figures(testing::DaemonEnv& env, bool census) {
  RedisFigures out;
  std::istringstream info(redis_cli(env, {"INFO", "memory"}));
  for (std::string line; std::getline(info, line);) {
    if (line.starts_with("used_memory:")) out.used_bytes = std::stod(line.substr(12));
  }
  out.keys = std::stol(redis_cli(env, {"DBSIZE"}));
  out.key_bytes = std::stod(redis_cli(
      env, {"EVAL",
            "local s = 0 for _, k in ipairs(redis.call('KEYS', '*')) do s = s + redis.call('MEMORY', 'USAGE', k) end "
            "return s",
            "0"}));
  if (census) {
    std::istringstream keys(redis_cli(env, {"--scan"}));
    for (std::string key; std::getline(keys, key);) ++out.kinds[kind_of(key)];
  }
  return out;
}

double pg_database_bytes(testing::DaemonEnv& env) {
  return std::stod(env.db().exec("SELECT pg_database_size(current_database())").at(0).at(0).value());
}

long sellers_synced(testing::DaemonEnv& env) {
  return std::stol(env.db()
                       .exec("SELECT count(*) FROM (SELECT seller_id FROM sync_state WHERE last_success_at IS NOT "
                             "NULL GROUP BY seller_id HAVING count(*) = 2) s")
                       .at(0)
                       .at(0)
                       .value());
}

std::size_t metrics_bytes(std::uint16_t port) { return testing::http_get(port, "/metrics").body.size(); }

}  // namespace blazed::bench
