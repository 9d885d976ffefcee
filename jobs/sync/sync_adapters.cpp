// Owns the real sync ports (see sync_adapters.hpp): each call forwards to the store or client.
#include "jobs/sync/sync_adapters.hpp"

#include "crypto/ciphertext.hpp"
#include "crypto/envelope.hpp"
#include "jobs/sync/errc.hpp"
#include "jobs/sync/sync_audit.hpp"

namespace asio = boost::asio;

namespace blazed::jobs::sync {

asio::awaitable<Result<SellerRow>> StoredSellers::seller(std::int64_t seller_id) {
  co_return co_await sellers::seller_with_token(db_, seller_id);
}

Result<Secret> StoredSellers::open_token(const SellerRow& seller) {
  if (!seller.token_ciphertext) return make_error(errc::no_token, "no refresh token stored");
  const std::string row = std::to_string(seller.id);
  return crypto::open_stored_secret(keyring_, crypto::Aad{crypto::kPurposeSellerToken, sellers::kTokensTable, row},
                                    seller.token_key_id, *seller.token_ciphertext);
}

asio::awaitable<Status> StoredSellers::mark_needs_reauth(std::int64_t seller_id) {
  co_return co_await sellers::mark_needs_reauth(db_, seller_id, clock_.now());
}

asio::awaitable<Result<FetchedPage>> SpApiPages::fetch(const RunTarget& t, const SyncWindow& window,
                                                       const std::optional<std::string>& token) {
  if (t.type == DataType::orders)
    co_return co_await fetch_orders(client_, t.auth, t.seller.marketplaces, t.fetch, window, token);
  co_return co_await fetch_transactions(client_, t.auth, window, token);
}

asio::awaitable<Result<ratelimit::Permit>> LimiterGate::try_acquire(std::int64_t seller_id,
                                                                    std::string_view operation) {
  co_return co_await limiter_.try_acquire(seller_id, operation);
}

asio::awaitable<Status> LimiterGate::set_rate(std::int64_t seller_id, std::string_view operation, double rate) {
  co_return co_await limiter_.set_rate(seller_id, operation, rate);
}

asio::awaitable<Status> LimiterGate::slow_down(std::int64_t seller_id, std::string_view operation) {
  co_return co_await limiter_.slow_down(seller_id, operation);
}

asio::awaitable<Status> PgSyncAudit::run(std::int64_t seller_id, DataType type, const RunReport& report,
                                         std::chrono::milliseconds duration, std::string_view outcome,
                                         const Error* error) {
  co_return co_await audit_run(db_, clock_, actor_, seller_id, type, report, duration, outcome, error);
}

asio::awaitable<Status> PgSyncAudit::needs_reauth(std::int64_t seller_id) {
  co_return co_await audit_needs_reauth(db_, clock_, actor_, seller_id);
}

}  // namespace blazed::jobs::sync
