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
#include <vector>

namespace blazed::jobs::sync {

class SyncMetrics;

// What one data type's run of one seller fetches.
struct RunTarget {
  const SellerRow& seller;
  const spapi::SellerAuth& auth;
  DataType type;
  WindowRules rules;
  FetchOptions fetch;
};

struct RunReport {
  std::int64_t pages = 0;
  std::int64_t rows = 0;
  std::vector<std::string> request_ids;  // of the stored pages (capped: kMaxRequestIds)
  std::optional<TimePoint> cursor;       // after the run
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

// The sync's audit events (sync_audit.hpp says what they hold).
class AuditPort {
 public:
  virtual ~AuditPort() = default;
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
