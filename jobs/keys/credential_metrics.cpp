// Owns the credential-age gauges (see credential_metrics.hpp).
#include "jobs/keys/credential_metrics.hpp"

#include "crypto/key_age.hpp"

#include <chrono>

namespace blazed::jobs {
namespace {

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::vector<crypto::CredentialAge> ages(const jobs::JobContext& ctx) {
  return crypto::credential_ages(ctx.keyring, ctx.config.credential_ages, ctx.clock);
}

// One sample per key, `value` picked from its age entry.
metrics::SampleFn per_key(const jobs::JobContext& ctx,
                          double (*value)(const crypto::CredentialAge&)) {
  return [&ctx, value] {
    std::vector<metrics::Sample> out;
    for (const auto& a : ages(ctx))
      if (a.kind == crypto::CredentialAge::Kind::key) out.push_back({{a.name}, value(a)});
    return out;
  };
}

// The LWA secret's sample, none when its issue date is not configured.
metrics::SampleFn lwa(const jobs::JobContext& ctx, double (*value)(const crypto::CredentialAge&)) {
  return [&ctx, value] {
    std::vector<metrics::Sample> out;
    for (const auto& a : ages(ctx))
      if (a.kind == crypto::CredentialAge::Kind::lwa_client_secret && a.created)
        out.push_back({{}, value(a)});
    return out;
  };
}

double age_of(const crypto::CredentialAge& a) { return seconds(a.age); }
double over_of(const crypto::CredentialAge& a) { return a.overdue ? 1.0 : 0.0; }

}  // namespace

void register_credential_metrics(metrics::Registry& registry, jobs::JobContext& ctx) {
  using metrics::Type;
  registry.callback(Type::gauge, "blazed_key_age_seconds",
                    "Seconds since each keyring key was created", {"key_id"}, per_key(ctx, age_of));
  registry.callback(Type::gauge, "blazed_key_over_policy",
                    "1 when a keyring key is older than credential_ages.max_key_age (rotate it)",
                    {"key_id"}, per_key(ctx, over_of));
  registry.callback(Type::gauge, "blazed_lwa_client_secret_age_seconds",
                    "Seconds since the LWA client secret was issued (absent when not configured)",
                    {}, lwa(ctx, age_of));
  registry.callback(Type::gauge, "blazed_lwa_client_secret_over_policy",
                    "1 when the LWA client secret is older than its max age (Amazon: 180 days)",
                    {}, lwa(ctx, over_of));
}

}  // namespace blazed::jobs
