// Owns the credential age policy: each key's age against keyring max age (90 days) and the LWA
// client secret's against Amazon's 180 days, for metrics and `blazectl keys status`.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "crypto/keyring.hpp"

#include <optional>
#include <string>
#include <vector>

namespace blazed::crypto {

struct CredentialAge {
  enum class Kind { key, lwa_client_secret };
  Kind kind = Kind::key;
  std::string name;  // the key id, or "lwa_client_secret"
  std::optional<Clock::time_point> created;  // nullopt: not known (secret date not configured)
  Clock::duration age{};
  Clock::duration max_age{};
  bool active = false;   // the keyring's active key
  bool overdue = false;  // older than max_age: rotate it
};

// One entry per key (sorted by id), then the LWA client secret.
std::vector<CredentialAge> credential_ages(const Keyring& keyring,
                                           const config::CredentialAgeConfig& policy,
                                           const Clock& clock);

}  // namespace blazed::crypto
