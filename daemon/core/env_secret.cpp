// Owns the secrets taken out of the environment and the copies kept of them (env_secret.hpp).
#include "core/env_secret.hpp"

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

namespace blazed {

namespace {

std::mutex& taken_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, Secret, std::less<>>& taken() {
  static auto* kept = new std::map<std::string, Secret, std::less<>>();  // never destroyed: read at exit
  return *kept;
}

}  // namespace

std::optional<Secret> take_env_secret(std::string_view name) {
  const std::string key(name);
  std::lock_guard lock(taken_mutex());
  if (char* value = std::getenv(key.c_str()); value != nullptr && *value != '\0') {
    Secret secret{std::string(value)};
    // unsetenv alone leaves the bytes where /proc/<pid>/environ reads them.
    secure_wipe(value, std::strlen(value));
    ::unsetenv(key.c_str());
    taken()[key] = secret;
    return secret;
  }
  if (auto it = taken().find(key); it != taken().end()) return it->second;
  return std::nullopt;
}

}  // namespace blazed
