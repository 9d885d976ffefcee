// Owns the real implementations of the sync's ports (sync_ports.hpp): the sellers store and the
// keyring, the SP-API client, the Redis rate limiter and the PostgreSQL audit trail.
#pragma once

#include "jobs/sync/sync_ports.hpp"

#include <string>

namespace blazed::pg {
class Executor;
}
namespace blazed::crypto {
class Keyring;
}

namespace blazed::jobs::sync {

class StoredSellers final : public SellerPort {
 public:
  StoredSellers(pg::Executor& db, const crypto::Keyring& keyring, const Clock& clock)
      : db_(db), keyring_(keyring), clock_(clock) {}
  boost::asio::awaitable<Result<SellerRow>> seller(std::int64_t seller_id) override;
  Result<Secret> open_token(const SellerRow& seller) override;
  boost::asio::awaitable<Status> mark_needs_reauth(std::int64_t seller_id) override;

 private:
  pg::Executor& db_;
  const crypto::Keyring& keyring_;
  const Clock& clock_;
};

class SpApiPages final : public PagePort {
 public:
  explicit SpApiPages(spapi::SpApiClient& client) : client_(client) {}
  boost::asio::awaitable<Result<FetchedPage>> fetch(const RunTarget& target, const SyncWindow& window,
                                                    const std::optional<std::string>& token) override;

 private:
  spapi::SpApiClient& client_;
};

class LimiterGate final : public RateGate {
 public:
  explicit LimiterGate(ratelimit::RateLimiter& limiter) : limiter_(limiter) {}
  boost::asio::awaitable<Result<ratelimit::Permit>> try_acquire(std::int64_t seller_id,
                                                                std::string_view operation) override;
  boost::asio::awaitable<Status> set_rate(std::int64_t seller_id, std::string_view operation, double rate) override;
  boost::asio::awaitable<Status> slow_down(std::int64_t seller_id, std::string_view operation) override;

 private:
  ratelimit::RateLimiter& limiter_;
};

class PgSyncAudit final : public AuditPort {
 public:
  PgSyncAudit(pg::Executor& db, const Clock& clock, std::string actor)
      : db_(db), clock_(clock), actor_(std::move(actor)) {}
  [[nodiscard]] std::string actor() const override { return actor_; }
  boost::asio::awaitable<Status> run(std::int64_t seller_id, DataType type, const RunReport& report,
                                     std::chrono::milliseconds duration, std::string_view outcome,
                                     const Error* error) override;
  boost::asio::awaitable<Status> needs_reauth(std::int64_t seller_id) override;

 private:
  pg::Executor& db_;
  const Clock& clock_;
  std::string actor_;
};

}  // namespace blazed::jobs::sync
