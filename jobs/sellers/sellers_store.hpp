// Owns every SQL statement on `sellers` and `seller_tokens`: a seller and its sealed refresh
// token, connect and disconnect, the status changes, the cadence's list, the operator's overview
// and the fleet summary the seller metrics are made of.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "pg/param.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::pg {
class Executor;
}

namespace blazed::jobs::sellers {

// The table a seller's token is stored in; also the table name its envelope's AAD is bound to
// and the one key rotation rewraps.
inline constexpr std::string_view kTokensTable = "seller_tokens";

// A seller with its token's ciphertext, as a job needs it.
struct SellerRow {
  std::int64_t id = 0;
  std::string region;
  std::vector<std::string> marketplaces;
  std::string status;
  std::optional<pg::Bytes> token_ciphertext;  // NULL: no token stored
  std::optional<std::string> token_key_id;     // NULL: a legacy token (or none)
  // Bumped whenever the token is replaced or deleted: a sync started under one generation stops
  // between pages once it changes.
  std::int64_t token_generation = 1;
};

// "seller_not_found" when there is no such seller.
boost::asio::awaitable<Result<SellerRow>> seller_with_token(pg::Executor& db, std::int64_t seller_id);

// A connected seller: its id, and whether it was known before (its partner id named a seller).
struct ConnectedSeller {
  std::int64_t id = 0;
  bool replaced = false;
};
// A new active seller, or, when `partner_id` names a known seller, that seller made active again
// with this region and these marketplaces and its token generation bumped (its sync cursors
// stay). "seller_deleting" when that seller is being deleted.
boost::asio::awaitable<Result<ConnectedSeller>> connect_seller(pg::Executor& db, const std::string& region,
                                                               const std::vector<std::string>& marketplaces,
                                                               const std::optional<std::string>& partner_id);
// Stores or replaces the sealed refresh token of a seller (`key_id`: the key it is sealed under).
boost::asio::awaitable<Status> insert_token(pg::Executor& db, std::int64_t seller_id,
                                            const pg::Bytes& ciphertext,
                                            const std::string& key_id);
// Marks a seller disconnected (one being deleted keeps that status) and bumps its token
// generation; returns the status now, nullopt when there is no such seller.
boost::asio::awaitable<Result<std::optional<std::string>>> mark_disconnected(pg::Executor& db,
                                                                             std::int64_t seller_id);
// Deletes a seller's token; returns the rows deleted (0 or 1).
boost::asio::awaitable<Result<std::int64_t>> delete_token(pg::Executor& db, std::int64_t seller_id);
// A seller's status, its row locked until the transaction ends; nullopt when there is no such seller.
boost::asio::awaitable<Result<std::optional<std::string>>> lock_seller_status(pg::Executor& db,
                                                                              std::int64_t seller_id);
// A needs_reauth seller becomes active with its token generation bumped (its cursors stay);
// returns the rows changed (0: the seller is not needs_reauth).
boost::asio::awaitable<Result<std::int64_t>> mark_reauthorized(pg::Executor& db, std::int64_t seller_id,
                                                               Clock::time_point now);
// LWA refused the seller's refresh token: an active seller becomes needs_reauth.
boost::asio::awaitable<Status> mark_needs_reauth(pg::Executor& db, std::int64_t seller_id,
                                                 Clock::time_point now);
// An incident over every seller: every token deleted (returns whose), every active seller
// needs_reauth (returns how many).
boost::asio::awaitable<Result<std::vector<std::int64_t>>> delete_all_tokens(pg::Executor& db);
boost::asio::awaitable<Result<std::int64_t>> mark_all_needs_reauth(pg::Executor& db, Clock::time_point now);

// Marks a seller deleting (its syncs stop: they run only for active sellers); returns its status
// before, nullopt when there is no such seller.
boost::asio::awaitable<Result<std::optional<std::string>>> mark_deleting(pg::Executor& db, std::int64_t seller_id,
                                                                         Clock::time_point now);
// Deletes a seller being deleted (the last step of an account deletion); returns the rows
// deleted (0 or 1).
boost::asio::awaitable<Result<std::int64_t>> delete_seller(pg::Executor& db, std::int64_t seller_id);

// An active seller with the time its last sync finished (any data type; nullopt: never).
struct ActiveSeller {
  std::int64_t seller_id = 0;
  std::optional<Clock::time_point> last_sync;
};
// Every active seller (the sync cadence's list). Note: sync_state belongs to the sync duty.
boost::asio::awaitable<Result<std::vector<ActiveSeller>>> active_sellers(pg::Executor& db);

struct DataTypeStatus {
  std::string data_type;  // orders, transactions
  std::optional<Clock::time_point> cursor;
  std::optional<Clock::time_point> last_success_at;
  std::optional<Clock::time_point> last_attempt_at;
  std::optional<std::string> last_error;  // code and message, never PII
  bool in_progress = false;               // a run stopped mid-pagination (resumes next time)
  std::int64_t last_pages = 0;
  std::int64_t last_rows = 0;
};

// The operator's view of a seller and its syncs (`blazectl sellers list`).
struct SellerOverview {
  std::int64_t id = 0;
  std::string region;
  std::string status;  // active, disconnected, deleting, needs_reauth
  std::vector<DataTypeStatus> types;  // the data types synced at least once
};

// How `list_seller_overview` orders sellers: by id, or by lag (the oldest cursor of any data type
// first; sellers with no cursor at all before every other, ties by id).
enum class OverviewOrder { id, lag };
// Sellers in `order`, at most `limit` of them (nullopt: all); sorted and cut in the database.
boost::asio::awaitable<Result<std::vector<SellerOverview>>> list_seller_overview(
    pg::Executor& db, OverviewOrder order = OverviewOrder::id, std::optional<std::int64_t> limit = std::nullopt);
// A seller's selling partner id (nullopt: connected without one); "seller_not_found" when absent.
boost::asio::awaitable<Result<std::optional<std::string>>> seller_partner_id(pg::Executor& db, std::int64_t seller_id);
// One seller; "seller_not_found" when absent.
boost::asio::awaitable<Result<SellerOverview>> seller_overview(pg::Executor& db, std::int64_t seller_id);

// Every seller summed up in a size that does not depend on how many there are: sellers per status,
// and per data type the cursor lag of the active sellers as a cumulative distribution.
struct FleetSummary {
  struct Lag {
    std::string data_type;
    std::int64_t synced = 0;         // active sellers with a cursor of this data type
    double oldest_seconds = 0;       // the largest lag among them (0 when none)
    std::vector<std::int64_t> at_most;  // per bound of `bounds`: sellers whose lag is <= it
  };
  std::vector<std::pair<std::string, std::int64_t>> by_status;  // only the statuses present
  std::vector<Lag> lags;                                         // only the data types present
};
// One aggregate query (one scan of sellers and of sync_state, whatever the number of sellers);
// lag = now - cursor, in seconds. `bounds` must be sorted ascending and not empty.
boost::asio::awaitable<Result<FleetSummary>> fleet_summary(pg::Executor& db, Clock::time_point now,
                                                          const std::vector<double>& bounds);

}  // namespace blazed::jobs::sellers
