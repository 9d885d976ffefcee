// Owns the narrow interfaces a seller sync runs against: the seller and its token, the sync
// state (SyncStatePort, sync_store.hpp), the SP-API page, the rate-limit gate, the audit trail and
// the clock. The real ones adapt the stores and clients (sync_adapters.hpp); unit tests use
// in-memory fakes that fail on purpose (tests/jobs/fakes/).
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"
#include "jobs/sync/page_fetch.hpp"
#include "jobs/sync/sync_store.hpp"
#include "jobs/sync/sync_window.hpp"
#include "ratelimit/rate_limiter.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blazed::jobs::sync {

class SyncMetrics;
class SellerToken;

// What one data type's run of one seller fetches.
struct RunTarget {
  const SellerRow& seller;
  const spapi::SellerAuth& auth;
  DataType type;
  WindowRules rules;
  FetchOptions fetch;
  // Opens the refresh token into `auth` before the first call (nullptr: auth holds it already).
  SellerToken* token = nullptr;
};

struct RunReport {
  std::int64_t pages = 0;
  std::int64_t rows = 0;
  std::vector<std::string> request_ids;  // of the stored pages (capped: kMaxRequestIds)
  std::optional<TimePoint> cursor;       // after the run
  // A decryption of the refresh token no stored page audited: true opened, false failed.
  std::optional<bool> token_opened;
};
inline constexpr std::size_t kMaxRequestIds = 200;

// The seller and its token (jobs/sellers owns the rows).
class SellerPort {
 public:
  virtual ~SellerPort() = default;
  // "seller_not_found" when there is no such seller.
  virtual boost::asio::awaitable<Result<SellerRow>> seller(std::int64_t seller_id) = 0;
  // The seller's refresh token, opened (its envelope is bound to the seller's row).
  virtual Result<Secret> open_token(const SellerRow& seller) = 0;
  // LWA refused the seller's refresh token: no more syncs until it is re-authorized.
  virtual boost::asio::awaitable<Status> mark_needs_reauth(std::int64_t seller_id) = 0;
};

// One SP-API page of the target's data type (searchOrders or listTransactions); the client
// behind it refreshes the access token once on a 403.
class PagePort {
 public:
  virtual ~PagePort() = default;
  virtual boost::asio::awaitable<Result<FetchedPage>> fetch(const RunTarget& target, const SyncWindow& window,
                                                            const std::optional<std::string>& token) = 0;
};

// The seller's rate-limit buckets (shared by every daemon).
class RateGate {
 public:
  virtual ~RateGate() = default;
  virtual boost::asio::awaitable<Result<ratelimit::Permit>> try_acquire(std::int64_t seller_id,
                                                                        std::string_view operation) = 0;
  // The plan's rate as the response's x-amzn-RateLimit-Limit gave it.
  virtual boost::asio::awaitable<Status> set_rate(std::int64_t seller_id, std::string_view operation,
                                                  double rate) = 0;
  // After a 429: the bucket was wrong (another client, a lower plan).
  virtual boost::asio::awaitable<Status> slow_down(std::int64_t seller_id, std::string_view operation) = 0;
};

// The seller's refresh token, decrypted when the first SP-API call needs it (a run deferred
// before its first call, or with nothing due, never decrypts it), and whether a decryption is
// still to be audited.
class SellerToken {
 public:
  SellerToken(SellerPort& sellers, const SellerRow& seller, spapi::SellerAuth& auth)
      : sellers_(sellers), seller_(seller), auth_(auth) {}
  // Decrypts the token into the auth on the first call; later calls do nothing.
  Status open() {
    if (secret_) return {};
    auto token = sellers_.open_token(seller_);
    unaudited_ = token.has_value();  // a failed decryption is audited as well
    if (!token) return token.error().context("seller token");
    secret_ = std::move(*token);
    auth_.refresh_token = &*secret_;
    return {};
  }
  // Once after each decryption (true: it opened, false: it failed), for the next audit event.
  std::optional<bool> take_unaudited() { return std::exchange(unaudited_, std::nullopt); }

 private:
  SellerPort& sellers_;
  const SellerRow& seller_;
  spapi::SellerAuth& auth_;
  std::optional<Secret> secret_;
  std::optional<bool> unaudited_;
};

// The sync's audit events (sync_audit.hpp says what they hold). A stored page's events are
// committed with it (PageToStore::audit); the others are written here.
class AuditPort {
 public:
  virtual ~AuditPort() = default;
  // Who the events name as actor ("instance:<id>").
  [[nodiscard]] virtual std::string actor() const = 0;
  // A run that ended without its data (failure, needs_reauth), with the decryption and LWA
  // exchange it made; a deferral or success has its events with the pages.
  virtual boost::asio::awaitable<Status> run(std::int64_t seller_id, DataType type, const RunReport& report,
                                             std::chrono::milliseconds duration, std::string_view outcome,
                                             const Error* error) = 0;
  virtual boost::asio::awaitable<Status> needs_reauth(std::int64_t seller_id) = 0;
};

// Everything a sync uses; every reference outlives the run.
struct SyncPorts {
  SellerPort& sellers;
  SyncStatePort& store;
  PagePort& pages;
  RateGate& limiter;
  AuditPort& audit;
  SyncMetrics& metrics;
  const Clock& clock;
};

}  // namespace blazed::jobs::sync
