// Owns FakeSellers: an in-memory SellerPort (sellers by id, a token that opens or not on purpose).
#pragma once

#include "jobs/sync/sync_ports.hpp"

#include <map>

namespace blazed::testing {

class FakeSellers final : public jobs::sync::SellerPort {
 public:
  // An active seller in the na region with a token, ready to sync.
  jobs::sync::SellerRow& add(std::int64_t id) {
    auto& s = sellers[id];
    s.id = id;
    s.region = "na";
    s.marketplaces = {"ATVPDKIKX0DER"};
    s.status = "active";
    s.token_ciphertext = pg::Bytes{1, 2, 3};
    return s;
  }

  boost::asio::awaitable<Result<jobs::sync::SellerRow>> seller(std::int64_t id) override {
    auto it = sellers.find(id);
    if (it == sellers.end()) co_return make_error("seller_not_found", "no seller " + std::to_string(id));
    co_return it->second;
  }
  Result<Secret> open_token(const jobs::sync::SellerRow&) override {
    ++opened;
    if (token_fails) return make_error("crypto_auth_failed", "the token does not open");
    return Secret{"refresh-token"};
  }
  boost::asio::awaitable<Status> mark_needs_reauth(std::int64_t id) override {
    auto it = sellers.find(id);
    if (it != sellers.end() && it->second.status == "active") it->second.status = "needs_reauth";
    co_return Status{};
  }

  std::map<std::int64_t, jobs::sync::SellerRow> sellers;
  bool token_fails = false;
  int opened = 0;  // decryptions asked for
};

}  // namespace blazed::testing
