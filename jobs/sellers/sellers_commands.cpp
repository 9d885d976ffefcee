// Owns the seller token commands of the control socket: `sellers.connect` (a new seller, or a known
// partner id's seller, with its LWA refresh token sealed under the active key, in one transaction
// with its audit event), `sellers.reauthorize` (a needs_reauth seller's new token) and
// `sellers.disconnect` (the token deleted at once, the seller marked disconnected, audited); each
// drops the seller's cached access token.
#include "jobs/sellers/sellers_commands.hpp"

#include "core/errc.hpp"
#include "jobs/context_command.hpp"
#include "jobs/sellers/errc.hpp"
#include "jobs/sellers/sellers_store.hpp"

#include "control/args.hpp"
#include "core/secret.hpp"
#include "crypto/envelope.hpp"
#include "crypto/keyring.hpp"
#include "pg/audit.hpp"
#include "pg/pool.hpp"
#include "spapi/client.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <cctype>
#include <vector>

namespace blazed::jobs::sellers {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using control::Request;

constexpr std::size_t kMaxTokenBytes = 4096;

Error bad_args(std::string message) { return make_error(control::codes::bad_args, std::move(message)); }

// The peer as an audit actor: the operator's uid (never a name).
std::string actor_of(const Request& req) { return "uid:" + std::to_string(req.peer.uid); }

bool valid_marketplace(std::string_view m) {
  return !m.empty() && m.size() <= 32 &&
         std::all_of(m.begin(), m.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

// `marketplaces`: a JSON array of ids, or one string of comma-separated ids (blazectl call --arg).
Result<std::vector<std::string>> marketplaces_arg(const Request& req) {
  const auto* v = req.args.if_contains("marketplaces");
  std::vector<std::string> out;
  if (v != nullptr && v->is_array()) {
    for (const auto& m : v->as_array()) {
      if (!m.is_string()) return bad_args("marketplaces must be strings");
      out.emplace_back(m.as_string());
    }
  } else if (v != nullptr && v->is_string()) {
    std::string_view rest = v->as_string();
    while (!rest.empty()) {
      auto comma = rest.find(',');
      out.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  } else {
    return bad_args("marketplaces is required (an array of marketplace ids)");
  }
  if (out.empty()) return bad_args("marketplaces must name at least one marketplace");
  for (const auto& m : out)
    if (!valid_marketplace(m)) return bad_args("a marketplace id must be 1-32 of [A-Z0-9]");
  return out;
}

// The token straight into a Secret; checks say what is wrong, never the value.
Result<Secret> token_arg(const Request& req) {
  const auto* v = req.args.if_contains("refresh_token");
  if (v == nullptr || !v->is_string()) return bad_args("refresh_token is required (a string)");
  Secret token{std::string(v->as_string())};
  const std::string_view t = token.reveal();
  if (t.empty() || t.size() > kMaxTokenBytes) return bad_args("refresh_token must be 1-4096 bytes");
  if (std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x21 || c == 0x7f; }))
    return bad_args("refresh_token must not contain spaces or control characters");
  return token;
}

// Amazon's selling partner id: letters and digits (e.g. A3EXAMPLE1P5N), never logged or audited.
Result<std::optional<std::string>> partner_id_arg(const Request& req) {
  auto v = control::args::find_string(req, "partner_id");
  if (!v) return v.error();
  if (!*v) return std::optional<std::string>{};
  const std::string& id = **v;
  if (id.empty() || id.size() > 64 ||
      !std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }))
    return bad_args("partner_id must be 1-64 letters and digits");
  return *v;
}

// Seals `token` bound to the seller's row and stores it (replacing any token it had); returns the
// key id it is sealed under.
asio::awaitable<Result<std::string>> seal_and_store(jobs::JobContext& ctx, pg::Tx& tx, std::int64_t seller_id,
                                                    const Secret& token) {
  // Bound to this seller's row: copied onto another seller it fails to open.
  const std::string row = std::to_string(seller_id);
  auto sealed = crypto::seal(ctx.keyring, ctx.nonces, crypto::Aad{crypto::kPurposeSellerToken, kTokensTable, row},
                             token.reveal());
  if (!sealed) co_return sealed.error();
  // Read with the seal, no await between: a keyring reload cannot slip in and make the
  // key_id column disagree with the envelope's header.
  std::string key_id = ctx.keyring.active().id();
  auto stored = co_await insert_token(tx, seller_id, *sealed, key_id);
  if (!stored) co_return stored.error();
  co_return key_id;
}

// The audit event of a change to a seller's token, by the peer.
pg::AuditEvent token_event(const Request& req, std::string action, std::int64_t seller_id, std::int64_t rows) {
  pg::AuditEvent e;
  e.actor = actor_of(req);
  e.action = std::move(action);
  e.seller_id = seller_id;
  e.data_type = "tokens";
  e.rows = rows;
  return e;
}

// The seller's cached access token belongs to the token just replaced or deleted.
void forget_access_token(jobs::JobContext& ctx, std::int64_t seller_id) {
  if (ctx.spapi != nullptr) ctx.spapi->forget(seller_id);
}

asio::awaitable<Result<json::value>> connect(jobs::JobContext& ctx, const Request& req) {
  auto region = control::args::get_string(req, "region");
  if (!region) co_return region.error();
  if (*region != "na" && *region != "eu" && *region != "fe") co_return bad_args("region must be na, eu or fe");
  auto markets = marketplaces_arg(req);
  if (!markets) co_return markets.error();
  auto partner = partner_id_arg(req);
  if (!partner) co_return partner.error();
  auto token = token_arg(req);
  if (!token) co_return token.error();

  ConnectedSeller seller;
  std::string key_id;
  auto st = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto connected = co_await connect_seller(tx, *region, *markets, *partner);
    if (!connected) co_return connected.error();
    seller = *connected;
    auto key = co_await seal_and_store(ctx, tx, seller.id, *token);
    if (!key) co_return key.error();
    key_id = *key;
    pg::AuditEvent e = token_event(req, "sellers.connect", seller.id, 1);
    e.detail["region"] = *region;
    e.detail["marketplaces"] = static_cast<std::int64_t>(markets->size());
    e.detail["key_id"] = key_id;
    e.detail["replaced"] = seller.replaced;  // the partner id itself is not recorded
    auto audited = co_await pg::record_audit(tx, ctx.clock, e);
    if (!audited) co_return audited.error();
    co_return Status{};
  });
  if (!st) co_return st.error().context("sellers.connect");
  if (seller.replaced) forget_access_token(ctx, seller.id);
  co_return json::value(json::object{
      {"seller_id", seller.id}, {"key_id", key_id}, {"status", "active"}, {"replaced", seller.replaced}});
}

asio::awaitable<Result<json::value>> reauthorize(jobs::JobContext& ctx, const Request& req) {
  auto seller = control::args::get_int(req, "seller_id");
  if (!seller) co_return seller.error();
  auto token = token_arg(req);
  if (!token) co_return token.error();
  std::string key_id;
  auto st = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto status = co_await lock_seller_status(tx, *seller);
    if (!status) co_return status.error();
    if (!*status) co_return make_error(errc::seller_not_found, "no seller " + std::to_string(*seller));
    if (**status != "needs_reauth")
      co_return make_error(errc::not_needs_reauth,
                           "seller " + std::to_string(*seller) + " is " + **status +
                               ": only a needs_reauth seller is reauthorized (sellers connect --partner-id "
                               "replaces the token of a known seller)");
    auto changed = co_await mark_reauthorized(tx, *seller, ctx.clock.now());
    if (!changed) co_return changed.error();
    auto key = co_await seal_and_store(ctx, tx, *seller, *token);
    if (!key) co_return key.error();
    key_id = *key;
    pg::AuditEvent e = token_event(req, "sellers.reauthorize", *seller, 1);
    e.detail["key_id"] = key_id;
    auto audited = co_await pg::record_audit(tx, ctx.clock, e);
    if (!audited) co_return audited.error();
    co_return Status{};
  });
  if (!st) co_return st.error();
  forget_access_token(ctx, *seller);
  co_return json::value(json::object{{"seller_id", *seller}, {"key_id", key_id}, {"status", "active"}});
}

asio::awaitable<Result<json::value>> disconnect(jobs::JobContext& ctx, const Request& req) {
  auto seller = control::args::get_int(req, "seller_id");
  if (!seller) co_return seller.error();
  bool found = false;
  std::int64_t deleted = 0;
  std::string status;
  auto st = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    // A seller being deleted keeps that status; its token goes all the same.
    auto updated = co_await mark_disconnected(tx, *seller);
    if (!updated) co_return updated.error();
    if (!*updated) co_return Status{};
    found = true;
    status = **updated;
    auto gone = co_await delete_token(tx, *seller);
    if (!gone) co_return gone.error();
    deleted = *gone;
    pg::AuditEvent e = token_event(req, "sellers.disconnect", *seller, deleted);
    e.detail["token_deleted"] = deleted > 0;
    auto audited = co_await pg::record_audit(tx, ctx.clock, e);
    if (!audited) co_return audited.error();
    co_return Status{};
  });
  if (!st) co_return st.error().context("sellers.disconnect");
  if (!found) co_return make_error(blazed::errc::not_found, "no seller " + std::to_string(*seller));
  // A running sync of this seller sees the new token generation and stops after its page.
  forget_access_token(ctx, *seller);
  co_return json::value(json::object{{"seller_id", *seller}, {"token_deleted", deleted > 0}, {"status", status}});
}

}  // namespace

Status register_seller_token_commands(control::CommandRegistry& registry, jobs::JobContext& ctx) {
  using control::Effect;
  return registry.register_all({
      {"sellers.connect",
       "connect a seller: args region, marketplaces, partner_id (a known one replaces that seller's token), "
       "refresh_token (sealed, never stored in clear)",
       Effect::mutating, jobs::with_context(ctx, connect), {"refresh_token"}},
      {"sellers.reauthorize",
       "a needs_reauth seller's new token: args seller_id, refresh_token; its syncs resume from their cursors",
       Effect::mutating, jobs::with_context(ctx, reauthorize), {"refresh_token"}},
      {"sellers.disconnect", "disconnect a seller: deletes its refresh token at once (args: seller_id)",
       Effect::mutating, jobs::with_context(ctx, disconnect)},
  });
}

}  // namespace blazed::jobs::sellers
