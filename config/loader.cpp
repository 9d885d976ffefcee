// Owns loading: YAML parse, the walk that matches every key against the schema (with file and
// line in every error), and resolving secret references.
#include "config/loader.hpp"

#include "config/errc.hpp"
#include "config/schema.hpp"
#include "config/values.hpp"
#include "core/env_secret.hpp"
#include "core/errc.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace blazed::config {
namespace {

Error located(std::string_view origin, const YAML::Mark& mark, std::string message) {
  return make_error(blazed::errc::bad_config, std::string(origin) + ":" + std::to_string(mark.line + 1) + ": " +
                                      std::move(message));
}

bool is_section(std::string_view path) {
  for (const auto& k : schema())
    if (k.path.size() > path.size() && k.path.starts_with(path) && k.path[path.size()] == '.')
      return true;
  return false;
}

// The known key closest to a misspelt one (edit distance <= 2), for "did you mean".
std::string closest_key(std::string_view path) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1] ? 1 : 0)});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& k : schema()) {
    auto d = distance(path, k.path);
    if (d < best_distance) {
      best_distance = d;
      best = k.path;
    }
  }
  return best;
}

Status walk(Config& config, const YAML::Node& map, const std::string& prefix,
            std::string_view origin) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar())
      return located(origin, kv.first.Mark(), "keys must be plain names");
    std::string path = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
    if (!seen.insert(path).second)
      return located(origin, kv.first.Mark(), "key '" + path + "' appears twice");
    if (const KeySpec* spec = find_key(path)) {
      if (auto st = spec->apply(config, kv.second); !st) {
        const auto& e = st.error();
        YAML::Mark at = kv.second.Mark();
        if (e.line >= 0) at.line = e.line;
        return located(origin, at, "key '" + path + e.subkey + "': " + e.message);
      }
      config.given[path] = YAML::Dump(kv.second);
      continue;
    }
    if (is_section(path)) {
      if (kv.second.IsNull()) continue;  // an empty section keeps its defaults
      if (!kv.second.IsMap())
        return located(origin, kv.second.Mark(), "key '" + path + "': expected a mapping");
      if (auto st = walk(config, kv.second, path, origin); !st) return st;
      continue;
    }
    std::string message = "unknown key '" + path + "'";
    if (auto hint = closest_key(path); !hint.empty()) message += " (did you mean '" + hint + "'?)";
    return located(origin, kv.first.Mark(), std::move(message));
  }
  return {};
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(errc::io_error, "cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<Config> parse_config(std::string_view yaml, std::string_view origin) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return located(origin, e.mark, "invalid YAML: " + e.msg);
  }
  Config config;
  config.source = std::string(origin);
  if (!root.IsNull()) {  // an empty file: every default
    if (!root.IsMap()) return located(origin, root.Mark(), "the top level must be a mapping of keys");
    if (auto st = walk(config, root, "", origin); !st) return st.error();
  }
  // A webhook the web app could not verify is never sent: a URL needs its signing secret.
  if (!config.webhooks.url.empty() && !config.webhooks.secret)
    return located(origin, root["webhooks"]["url"].Mark(),
                   "key 'webhooks.url': needs webhooks.secret (env:NAME, file:/path or credential:NAME)");
  if (config.webhooks.url.starts_with("http://") && !config.webhooks.allow_plain_http)
    return located(origin, root["webhooks"]["url"].Mark(),
                   "key 'webhooks.url': http:// sends notices unencrypted; use https:// "
                   "(or webhooks.allow_plain_http: true for development)");
  // TLS files for a plain redis.url would be silently unused; a client certificate needs its key.
  const auto& redis = config.redis;
  const bool redis_tls = redis.url.starts_with("rediss://") || redis.url.starts_with("rediss+sentinel://");
  for (const char* key : {"tls_ca_file", "tls_cert_file", "tls_key_file"}) {
    if (!redis_tls && root["redis"] && root["redis"][key] && !root["redis"][key].Scalar().empty())
      return located(origin, root["redis"][key].Mark(),
                     "key 'redis." + std::string(key) + "': needs a rediss:// or rediss+sentinel:// redis.url");
  }
  if (redis.tls_cert_file.empty() != redis.tls_key_file.empty()) {
    const char* given = redis.tls_cert_file.empty() ? "tls_key_file" : "tls_cert_file";
    return located(origin, root["redis"][given].Mark(),
                   "key 'redis." + std::string(given) +
                       "': needs redis.tls_cert_file and redis.tls_key_file together");
  }
  // A default that depends on the system: the group exists only where the package installed it.
  if (!config.given.contains("control.read_gids")) config.control.read_gids = values::default_read_gids();
  return config;
}

Result<Config> load_config_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return make_error(blazed::errc::bad_config, text.error().message);
  return parse_config(*text, path);
}

std::vector<std::string> restart_only_changes(const Config& running, const Config& loaded) {
  std::vector<std::string> changed;
  for (const auto& key : schema()) {
    if (key.reloadable) continue;
    std::string path(key.path);
    auto a = running.given.find(path);
    auto b = loaded.given.find(path);
    bool same = (a == running.given.end()) == (b == loaded.given.end()) &&
                (a == running.given.end() || a->second == b->second);
    if (!same) changed.push_back(path);
  }
  return changed;
}

Result<SecretRef> parse_secret_ref(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon + 1 == text.size())
    return make_error(blazed::errc::bad_config, "expected env:NAME, file:/path or credential:NAME");
  auto kind = text.substr(0, colon);
  SecretRef ref;
  ref.name = std::string(text.substr(colon + 1));
  if (kind == "env") {
    ref.kind = SecretRef::Kind::env;
  } else if (kind == "file") {
    ref.kind = SecretRef::Kind::file;
  } else if (kind == "credential") {
    ref.kind = SecretRef::Kind::credential;
    if (ref.name.find('/') != std::string::npos)
      return make_error(blazed::errc::bad_config, "a credential name cannot contain '/'");
  } else {
    return make_error(blazed::errc::bad_config, "expected env:NAME, file:/path or credential:NAME");
  }
  return ref;
}

Result<Secret> resolve_secret(const SecretRef& ref) {
  auto from_file = [](const std::string& path, std::string_view what) -> Result<Secret> {
    auto text = read_file(path);
    if (!text) return make_error(errc::secret_unavailable, std::string(what) + ": " + text.error().message);
    std::string value = std::move(*text);
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
    Secret s(std::move(value));
    if (s.empty()) return make_error(errc::secret_unavailable, std::string(what) + ": is empty");
    return s;
  };
  switch (ref.kind) {
    case SecretRef::Kind::env: {
      auto v = take_env_secret(ref.name);
      if (!v) return make_error(errc::secret_unavailable, "env:" + ref.name + ": variable is not set");
      return std::move(*v);
    }
    case SecretRef::Kind::file:
      return from_file(ref.name, "file:" + ref.name);
    case SecretRef::Kind::credential: {
      const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
      if (dir == nullptr || *dir == '\0')
        return make_error(errc::secret_unavailable,
                          "credential:" + ref.name + ": $CREDENTIALS_DIRECTORY is not set "
                          "(use LoadCredential= in the unit)");
      return from_file(std::string(dir) + "/" + ref.name, "credential:" + ref.name);
    }
  }
  return make_error(errc::secret_unavailable, "unknown secret reference");
}

Result<Duration> parse_duration(std::string_view text) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || n < 0) return make_error(blazed::errc::bad_config, "not a duration");
  std::string_view unit(p, static_cast<std::size_t>(text.data() + text.size() - p));
  static constexpr std::pair<std::string_view, std::int64_t> units[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  if (unit.empty() && n == 0) return Duration{0};
  for (auto [name, millis] : units)
    if (unit == name) return Duration{n * millis};
  return make_error(blazed::errc::bad_config, "not a duration");
}

}  // namespace blazed::config
