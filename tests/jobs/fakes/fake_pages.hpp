// Owns FakePages: an SP-API page source that answers from a script, one step per call: a page of
// N orders (with a next token or not), or an error code (429, 403 after refresh, invalid_grant,
// malformed, ...). It records every call's window and token.
#pragma once

#include "jobs/sync/sync_ports.hpp"

#include <deque>
#include <vector>

namespace blazed::testing {

class FakePages final : public jobs::sync::PagePort {
 public:
  struct Step {
    std::optional<Error> error;  // set: the call fails with it
    int orders = 0;
    std::optional<std::string> next_token;
    std::optional<std::string> rate_limit;  // x-amzn-RateLimit-Limit
    bool refreshed = false;  // the client met a 403 and refreshed its access token first
  };
  struct Call {
    jobs::SyncWindow window;
    std::optional<std::string> token;
  };

  static Step page(int orders, std::optional<std::string> next = std::nullopt) {
    return Step{std::nullopt, orders, std::move(next), std::nullopt, false};
  }
  static Step fail(std::string code) { return Step{Error{std::move(code), "scripted failure"}, 0, {}, {}, false}; }

  boost::asio::awaitable<Result<jobs::sync::FetchedPage>> fetch(const jobs::sync::RunTarget&,
                                                                const jobs::SyncWindow& window,
                                                                const std::optional<std::string>& token) override {
    calls.push_back({window, token});
    if (script.empty()) co_return make_error("fake_script_empty", "no scripted answer left");
    Step step = std::move(script.front());
    script.pop_front();
    if (step.refreshed) ++refreshes;
    if (step.error) co_return *step.error;
    jobs::sync::FetchedPage p;
    for (int i = 0; i < step.orders; ++i) {
      spapi::Order o;
      o.order_id = "order-" + std::to_string(calls.size()) + "-" + std::to_string(i);
      p.orders.push_back(std::move(o));
    }
    p.next_token = std::move(step.next_token);
    p.meta.status = 200;
    p.meta.request_id = "req-" + std::to_string(calls.size());
    p.meta.rate_limit = std::move(step.rate_limit);
    p.meta.token_exchanged = step.refreshed;
    p.raw = "{}";
    co_return p;
  }

  std::deque<Step> script;
  std::vector<Call> calls;
  int refreshes = 0;
};

}  // namespace blazed::testing
