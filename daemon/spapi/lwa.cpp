// Owns the LWA token exchange and the per-seller access-token cache with single-flight refresh.
#include "spapi/lwa.hpp"

#include "spapi/errc.hpp"
#include "spapi/json_exact.hpp"
#include "spapi/json_read.hpp"
#include "spapi/spapi_metrics.hpp"
#include "spapi/query.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>

namespace blazed::spapi {

namespace asio = boost::asio;

// Callers that find a refresh running wait on `done` (a timer that never expires by itself;
// it is cancelled when the result is in).
struct LwaClient::InFlight {
  explicit InFlight(asio::any_io_executor ex) : done(std::move(ex)) {
    done.expires_at(asio::steady_timer::time_point::max());
  }
  asio::steady_timer done;
  std::optional<Result<Secret>> result;
};

LwaClient::LwaClient(http::Client& http, const Clock& clock, LwaOptions options)
    : http_(http), clock_(clock), options_(std::move(options)) {}

asio::awaitable<Result<Secret>> LwaClient::access_token(SellerId seller, const Secret& refresh_token,
                                                        bool* exchanged) {
  {
    Entry& e = cache_[seller];
    if (!e.token.empty() && clock_.now() + options_.refresh_margin < e.expires_at) co_return e.token;
    if (std::shared_ptr<InFlight> running = e.in_flight) {
      co_await running->done.async_wait(asio::as_tuple(asio::use_awaitable));
      co_return *running->result;
    }
  }
  auto flight = std::make_shared<InFlight>(co_await asio::this_coro::executor);
  cache_[seller].in_flight = flight;
  if (exchanged != nullptr) *exchanged = true;

  Clock::duration lifetime{};
  Result<Secret> result = make_error(errc::lwa_error, "token exchange did not complete");
  try {
    result = co_await exchange(refresh_token, lifetime);
  } catch (...) {
    // Waiters must be released whatever happens; the exception goes on to our caller's root.
    cache_[seller].in_flight.reset();
    flight->result = result;
    flight->done.cancel();
    throw;
  }
  if (options_.metrics != nullptr) options_.metrics->refresh(result.has_value());
  Entry& e = cache_[seller];  // looked up again: forget() may have run meanwhile
  e.in_flight.reset();
  if (result) {
    e.token = *result;
    e.expires_at = clock_.now() + lifetime;
  }
  flight->result = result;
  flight->done.cancel();
  co_return result;
}

void LwaClient::invalidate(SellerId seller, const Secret& rejected) {
  auto it = cache_.find(seller);
  if (it != cache_.end() && it->second.token == rejected) {
    it->second.token = Secret();
    it->second.expires_at = {};
  }
}

void LwaClient::forget(SellerId seller) {
  auto it = cache_.find(seller);
  if (it == cache_.end()) return;
  if (it->second.in_flight) {
    it->second.token = Secret();  // the running refresh still wakes its waiters
    it->second.expires_at = {};
  } else {
    cache_.erase(it);
  }
}

void LwaClient::forget_unless_valid_at(SellerId seller, Clock::time_point next_use) {
  auto it = cache_.find(seller);
  if (it == cache_.end() || it->second.in_flight) return;
  if (it->second.expires_at <= next_use + options_.refresh_margin) cache_.erase(it);
}

namespace {

Error lwa_error_from(unsigned status, std::string_view body) {
  std::string code;
  if (auto doc = parse_json_object_exact(body, "LWA")) {
    if (const auto* e = doc->if_contains("error"); e && e->is_string()) {
      code = std::string(e->get_string());
    }
  }
  const std::string where = "LWA answered HTTP " + std::to_string(status);
  if (code == "invalid_grant") {
    return make_error(errc::lwa_invalid_grant, where + " invalid_grant: the seller must re-authorize");
  }
  if (code == "invalid_client" || code == "unauthorized_client") {
    return make_error(errc::lwa_invalid_client, where + " " + code + ": check or rotate the client secret");
  }
  if (status == 429) return make_error(errc::lwa_throttled, where);
  if (status >= 500) return make_error(errc::lwa_server_error, where);
  // Other OAuth error codes are fixed identifiers (invalid_request, invalid_scope...).
  const bool identifier = !code.empty() && code.size() <= 40 &&
                          code.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
  return make_error(errc::lwa_error, identifier ? where + " " + code : where);
}

}  // namespace

asio::awaitable<Result<Secret>> LwaClient::exchange(const Secret& refresh_token,
                                                    Clock::duration& lifetime) {
  ++exchanges_;
  std::string form;
  form.reserve(256 + refresh_token.size());
  form += "grant_type=refresh_token&refresh_token=";
  form += percent_encode(refresh_token.reveal());
  form += "&client_id=";
  form += percent_encode(options_.client_id);
  form += "&client_secret=";
  form += percent_encode(options_.client_secret.reveal());

  http::Request req;
  req.method = boost::beast::http::verb::post;
  req.url = options_.endpoint;
  req.content_type = "application/x-www-form-urlencoded;charset=UTF-8";
  req.headers.emplace_back("accept", "application/json");
  req.body = Secret(std::move(form));
  secure_wipe(form.data(), form.size());

  auto res = co_await http_.request(std::move(req));
  if (!res) co_return res.error().context("LWA token exchange");
  struct WipeBody {  // the body carries the access token
    std::string& body;
    ~WipeBody() { secure_wipe(body.data(), body.size()); }
  } wipe{res->body};

  if (res->status != 200) co_return lwa_error_from(res->status, res->body);
  auto doc = parse_json_object_exact(res->body, "LWA");
  if (!doc) co_return make_error(errc::lwa_malformed, "LWA reply is not a JSON object");
  JsonReader r;
  auto& root = *doc;
  Secret token(r.string(root, "access_token", JsonReader::Need::required));
  const std::int64_t expires_in = r.integer(root, "expires_in", JsonReader::Need::required);
  if (auto* t = root.if_contains("access_token"); t && t->is_string()) {
    secure_wipe(t->get_string().data(), t->get_string().size());
  }
  if (!r.ok() || token.empty() || expires_in <= 0) {
    co_return make_error(errc::lwa_malformed, "LWA reply lacks access_token or expires_in");
  }
  lifetime = std::chrono::seconds(expires_in);
  co_return token;
}

}  // namespace blazed::spapi
