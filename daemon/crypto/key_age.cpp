// Owns the computation of credential ages against their policy.
#include "crypto/key_age.hpp"

namespace blazed::crypto {

std::vector<CredentialAge> credential_ages(const Keyring& keyring,
                                           const config::CredentialAgeConfig& policy,
                                           const Clock& clock) {
  const Clock::time_point now = clock.now();
  std::vector<CredentialAge> out;
  for (const KeyInfo& k : keyring.infos()) {
    CredentialAge a;
    a.kind = CredentialAge::Kind::key;
    a.name = k.id;
    a.created = k.created;
    a.age = now - k.created;
    a.max_age = policy.max_key_age;
    a.active = k.id == keyring.active().id();
    a.overdue = a.age > a.max_age;
    out.push_back(std::move(a));
  }
  CredentialAge lwa;
  lwa.kind = CredentialAge::Kind::lwa_client_secret;
  lwa.name = "lwa_client_secret";
  lwa.max_age = policy.lwa_client_secret_max_age;
  if (policy.lwa_client_secret_created) {
    lwa.created = Clock::time_point(*policy.lwa_client_secret_created);
    lwa.age = now - *lwa.created;
    lwa.overdue = lwa.age > lwa.max_age;
  }
  out.push_back(std::move(lwa));
  return out;
}

}  // namespace blazed::crypto
