// Owns the seller token commands of the control socket: `sellers.connect` (a new seller with its
// LWA refresh token sealed under the active key, in one transaction with its audit event) and
// `sellers.disconnect` (the token deleted at once, the seller marked disconnected, audited).
#include "jobs/sellers/sellers_commands.hpp"

#include "core/errc.hpp"
#include "jobs/context_command.hpp"
#include "jobs/sellers/sellers_store.hpp"

#include "control/args.hpp"
#include "core/secret.hpp"
#include "crypto/envelope.hpp"
#include "crypto/keyring.hpp"
#include "pg/audit.hpp"
#include "pg/pool.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
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

asio::awaitable<Result<json::value>> connect(jobs::JobContext& ctx, const Request& req) {
  auto region = control::args::get_string(req, "region");
  if (!region) co_return region.error();
  if (*region != "na" && *region != "eu" && *region != "fe") co_return bad_args("region must be na, eu or fe");
  auto markets = marketplaces_arg(req);
  if (!markets) co_return markets.error();
  auto token = token_arg(req);
  if (!token) co_return token.error();

  std::int64_t seller_id = 0;
  std::string key_id;
  auto st = co_await ctx.db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto id = co_await insert_seller(tx, *region, *markets);
    if (!id) co_return id.error();
    seller_id = *id;
    // Bound to this seller's row: copied onto another seller it fails to open.
    const std::string row = std::to_string(seller_id);
    auto sealed = crypto::seal(ctx.keyring, ctx.nonces,
                               crypto::Aad{crypto::kPurposeSellerToken, kTokensTable, row}, token->reveal());
    if (!sealed) co_return sealed.error();
    // Read with the seal, no await between: a keyring reload cannot slip in and make the
    // key_id column disagree with the envelope's header.
    key_id = ctx.keyring.active().id();
    auto stored = co_await insert_token(tx, seller_id, *sealed, key_id);
    if (!stored) co_return stored.error();
    pg::AuditEvent e;
    e.actor = actor_of(req);
    e.action = "sellers.connect";
    e.seller_id = seller_id;
    e.data_type = "tokens";
    e.rows = 1;
    e.detail["region"] = *region;
    e.detail["marketplaces"] = static_cast<std::int64_t>(markets->size());
    e.detail["key_id"] = key_id;
    auto audited = co_await pg::record_audit(tx, ctx.clock, e);
    if (!audited) co_return audited.error();
    co_return Status{};
  });
  if (!st) co_return st.error().context("sellers.connect");
  co_return json::value(json::object{{"seller_id", seller_id}, {"key_id", key_id}, {"status", "active"}});
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
    pg::AuditEvent e;
    e.actor = actor_of(req);
    e.action = "sellers.disconnect";
    e.seller_id = *seller;
    e.data_type = "tokens";
    e.rows = deleted;
    e.detail["token_deleted"] = deleted > 0;
    auto audited = co_await pg::record_audit(tx, ctx.clock, e);
    if (!audited) co_return audited.error();
    co_return Status{};
  });
  if (!st) co_return st.error().context("sellers.disconnect");
  if (!found) co_return make_error(blazed::errc::not_found, "no seller " + std::to_string(*seller));
  co_return json::value(json::object{{"seller_id", *seller}, {"token_deleted", deleted > 0}, {"status", status}});
}

}  // namespace

Status register_seller_token_commands(control::CommandRegistry& registry, jobs::JobContext& ctx) {
  using control::Effect;
  return registry.register_all({
      {"sellers.connect",
       "connect a seller: args region, marketplaces, refresh_token (sealed, never stored in clear)",
       Effect::mutating, jobs::with_context(ctx, connect), {"refresh_token"}},
      {"sellers.disconnect", "disconnect a seller: deletes its refresh token at once (args: seller_id)",
       Effect::mutating, jobs::with_context(ctx, disconnect)},
  });
}

}  // namespace blazed::jobs::sellers
