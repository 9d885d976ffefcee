// Owns Login with Amazon for SP-API: refresh-token exchange, one cached access token per seller
// (refreshed ahead of expiry), and one refresh in flight per seller that concurrent callers share.
// Access tokens live only in memory, as Secrets; they are never persisted or logged.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"
#include "http/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace blazed::spapi {

class SpApiMetrics;

using SellerId = std::int64_t;  // blazed's internal seller number (not PII)

struct LwaOptions {
  std::string endpoint = "https://api.amazon.com/auth/o2/token";
  std::string client_id;
  Secret client_secret;
  std::chrono::seconds refresh_margin{60};  // refresh this long before a token expires
  // Counts every exchange sent to LWA by result when set; must outlive the client's exchanges.
  SpApiMetrics* metrics = nullptr;
};

// Error codes of access_token():
//   lwa_invalid_grant   the seller's refresh token is revoked or wrong: the seller must
//                       re-authorize (stop scheduling that seller, surface it)
//   lwa_invalid_client  the app's client id/secret is wrong or expired (or the client is not
//                       authorized): a global alert, rotate the secret
//   lwa_throttled, lwa_server_error, lwa_error, lwa_malformed, and the http_* codes
//
// Threading: use from the executor of the http::Client it was given (no locks).
class LwaClient {
 public:
  LwaClient(http::Client& http, const Clock& clock, LwaOptions options);

  // A valid access token for `seller`: the cached one, or a fresh exchange of `refresh_token`.
  // `exchanged` (when given) is set when this call sent the exchange to LWA, so that the caller
  // audits it; a caller that waited on another's exchange does not.
  boost::asio::awaitable<Result<Secret>> access_token(SellerId seller, const Secret& refresh_token,
                                                      bool* exchanged = nullptr);

  // SP-API rejected `rejected` (403): drop it, unless another caller already replaced it, so
  // that concurrent 403s for one seller still share one refresh.
  void invalidate(SellerId seller, const Secret& rejected);
  // Drops everything cached for `seller` (re-authorization, account deletion).
  void forget(SellerId seller);
  // Drops the seller's cached token if it expires before `next_use` (it could not serve then):
  // with many sellers synced less often than a token lives, the cache then holds only the
  // tokens of the syncs running, not one per seller.
  void forget_unless_valid_at(SellerId seller, Clock::time_point next_use);
  // Sellers with something cached (for tests).
  [[nodiscard]] std::size_t cached() const { return cache_.size(); }
  // Replaces the client secret (rotation on reload); cached access tokens stay valid.
  void set_client_secret(Secret secret) { options_.client_secret = std::move(secret); }

  // Token exchanges sent to LWA so far (for metrics and tests).
  [[nodiscard]] std::uint64_t exchanges() const { return exchanges_; }

 private:
  struct InFlight;
  struct Entry {
    Secret token;
    Clock::time_point expires_at{};
    std::shared_ptr<InFlight> in_flight;
  };

  boost::asio::awaitable<Result<Secret>> exchange(const Secret& refresh_token,
                                                  Clock::duration& lifetime);

  http::Client& http_;
  const Clock& clock_;
  LwaOptions options_;
  std::map<SellerId, Entry> cache_;
  std::uint64_t exchanges_ = 0;
};

}  // namespace blazed::spapi
