// Owns the table-driven unit tests of the seller sync's branches (429 and deferral, 403 and
// refresh, invalid_grant, malformed page, resume after a crash) against in-memory fakes: no
// Redis, PostgreSQL or SP-API.
#include "fakes/fake_audit.hpp"
#include "fakes/fake_pages.hpp"
#include "fakes/fake_rate_gate.hpp"
#include "fakes/fake_sellers.hpp"
#include "fakes/fake_sync_store.hpp"
#include "harness/run_coro.hpp"
#include "jobs/sync/seller_sync.hpp"
#include "jobs/sync/sync_metrics.hpp"
#include "metrics/registry.hpp"
#include "queue/outcome.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <functional>

namespace blazed::testing {
namespace {

using jobs::sync::DataType;
constexpr std::int64_t kSeller = 7;

// What the queue makes of a handler's result.
std::string outcome_of(const queue::HandlerOutcome& st) {
  if (st.is_done()) return "done";
  if (st.deferral()) return "deferral";
  if (std::holds_alternative<queue::Permanent>(st.kind())) return "permanent";
  return "retry";
}

struct SyncWorld {
  boost::asio::io_context io;
  ManualClock clock;
  metrics::Registry registry;
  jobs::sync::SyncMetrics metrics{registry};
  FakeSellers sellers;
  FakeSyncStore store;
  FakePages pages;
  FakeRateGate gate{clock};
  FakeAudit audit;

  SyncWorld() { sellers.add(kSeller); }

  queue::HandlerOutcome run(std::string_view data = "orders") {
    auto request = jobs::sync::parse_sync_payload(jobs::sync::sync_payload(kSeller, data));
    REQUIRE(request.has_value());
    const jobs::sync::SyncPorts ports{sellers, store, pages, gate, audit, metrics, clock};
    return run_coro(io, jobs::sync::run_seller_sync(ports, jobs::sync::FetchOptions{}, *request));
  }
  const jobs::sync::SyncState& orders() { return store.states[{kSeller, DataType::orders}]; }
};

struct Case {
  std::string name;
  std::function<void(SyncWorld&)> arrange;
  std::string outcome;                // done, retry, permanent, deferral
  std::int64_t pages_committed;       // pages the store holds afterwards
  bool cursor_moved;                  // the window finished
  std::optional<std::string> resume;  // the run in progress's resume token afterwards ("" none)
  std::string last_error;             // the code sync_state.last_error holds ("" none)
  std::string seller_status = "active";
};

}  // namespace

TEST_CASE("seller sync branches, one table row each", "[unit][sync]") {
  const std::vector<Case> cases{
      {"two pages, then the window is done",
       [](SyncWorld& w) { w.pages.script = {FakePages::page(3, "t1"), FakePages::page(2)}; },
       "done", 2, true, std::nullopt, ""},
      {"429: the bucket slows down and the job is deferred, the stored page kept",
       [](SyncWorld& w) { w.pages.script = {FakePages::page(3, "t1"), FakePages::fail("spapi_throttled")}; },
       "deferral", 1, false, "t1", ""},
      {"no token in the bucket: deferred before any call",
       [](SyncWorld& w) { w.gate.denying = true; },
       "deferral", 0, false, "", ""},
      {"403 that one access-token refresh fixed: the page is stored",
       [](SyncWorld& w) {
         auto step = FakePages::page(1);
         step.refreshed = true;
         w.pages.script = {step};
       },
       "done", 1, true, std::nullopt, ""},
      {"403 even after the refresh: retried, the error recorded",
       [](SyncWorld& w) { w.pages.script = {FakePages::fail("spapi_unauthorized")}; },
       "retry", 0, false, "", "spapi_unauthorized"},
      {"invalid_grant: the seller needs re-authorization and the job is dead",
       [](SyncWorld& w) { w.pages.script = {FakePages::fail("lwa_invalid_grant")}; },
       "permanent", 0, false, "", "lwa_invalid_grant", "needs_reauth"},
      {"a malformed page commits nothing and is retried from the last page",
       [](SyncWorld& w) { w.pages.script = {FakePages::page(2, "t1"), FakePages::fail("spapi_malformed")}; },
       "retry", 1, false, "t1", "spapi_malformed"},
      {"a refused pagination token drops the run (the window starts over next time)",
       [](SyncWorld& w) { w.pages.script = {FakePages::page(2, "t1"), FakePages::fail("spapi_invalid_input")}; },
       "retry", 1, false, std::nullopt, "spapi_invalid_input"},
      {"a 5xx is retried",
       [](SyncWorld& w) { w.pages.script = {FakePages::fail("spapi_server_error")}; },
       "retry", 0, false, "", "spapi_server_error"},
      {"a seller that is not active is not synced",
       [](SyncWorld& w) { w.sellers.sellers[kSeller].status = "disconnected"; },
       "permanent", 0, false, std::nullopt, "", "disconnected"},
      {"a seller without a token is not synced",
       [](SyncWorld& w) { w.sellers.sellers[kSeller].token_ciphertext.reset(); },
       "permanent", 0, false, std::nullopt, ""},
      {"an unknown seller is not synced",
       [](SyncWorld& w) { w.sellers.sellers.clear(); },
       "permanent", 0, false, std::nullopt, "", ""},
  };

  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      SyncWorld w;
      c.arrange(w);
      auto st = w.run();
      CHECK(outcome_of(st) == c.outcome);
      CHECK(static_cast<std::int64_t>(w.store.committed.size()) == c.pages_committed);
      CHECK(w.orders().cursor.has_value() == c.cursor_moved);
      if (c.resume) {
        REQUIRE(w.orders().run.has_value());
        CHECK(w.orders().run->resume_token.value_or("") == *c.resume);
      } else {
        CHECK_FALSE(w.orders().run.has_value());
      }
      auto err = w.store.last_errors.find({kSeller, DataType::orders});
      CHECK((err == w.store.last_errors.end() ? std::string() : err->second) == c.last_error);
      if (!c.seller_status.empty()) CHECK(w.sellers.sellers[kSeller].status == c.seller_status);
      CHECK(w.pages.script.empty());  // every scripted answer was asked for
    }
  }
}

TEST_CASE("sync: a 429 defers to the bucket's due time and slows the bucket once", "[unit][sync]") {
  SyncWorld w;
  w.gate.retry_after = std::chrono::seconds(42);
  w.pages.script = {FakePages::fail("spapi_throttled")};
  auto st = w.run();
  const auto* deferral = st.deferral();
  REQUIRE(deferral != nullptr);
  CHECK(std::chrono::abs(deferral->until - (w.clock.now() + std::chrono::seconds(42))) < std::chrono::milliseconds(1));
  CHECK(w.gate.slow_downs == 1);
  // The token was decrypted for a call that brought no page: that run is audited on its own.
  REQUIRE(w.audit.events.size() == 2);
  CHECK(w.audit.events[0].action == "tokens.decrypt");
  CHECK(w.audit.events[1].outcome == "deferred");
  REQUIRE(w.orders().run);
  CHECK(w.orders().run->deferrals == 1);
}

TEST_CASE("sync: invalid_grant audits the seller's re-authorization", "[unit][sync]") {
  SyncWorld w;
  w.pages.script = {FakePages::fail("lwa_invalid_grant")};
  REQUIRE(outcome_of(w.run()) == "permanent");
  REQUIRE(w.audit.events.size() == 3);
  CHECK(w.audit.events[0].action == "tokens.decrypt");
  CHECK(w.audit.events[1].outcome == "needs_reauth");
  CHECK(w.audit.events[2].action == "seller.needs_reauth");
}

TEST_CASE("sync: the rate header sets the bucket's rate once per value", "[unit][sync]") {
  SyncWorld w;
  auto first = FakePages::page(1, "t1");
  first.rate_limit = "0.0056";
  auto second = FakePages::page(1);
  second.rate_limit = "0.0056";
  w.pages.script = {first, second};
  REQUIRE(outcome_of(w.run()) == "done");
  CHECK(w.gate.rates == std::vector<double>{0.0056});
}

TEST_CASE("sync: a crash mid-run resumes at the stored token, in the same window", "[unit][sync]") {
  SyncWorld w;
  // First run: page 1 commits (token t1); the commit of page 2 fails as if the process died.
  w.pages.script = {FakePages::page(2, "t1"), FakePages::page(2, "t2")};
  w.store.fail_commit_number = 2;
  auto crashed = w.run();
  CHECK(outcome_of(crashed) == "retry");
  REQUIRE(w.orders().run);
  CHECK(w.orders().run->resume_token == "t1");
  const auto window = w.orders().run->window;

  // Second run, later: it asks for the page after t1 in the stored window, and finishes there.
  w.clock.advance(std::chrono::minutes(5));
  w.pages.calls.clear();
  w.pages.script = {FakePages::page(1)};
  REQUIRE(outcome_of(w.run()) == "done");
  REQUIRE(w.pages.calls.size() == 1);
  CHECK(w.pages.calls[0].token == "t1");
  CHECK(w.pages.calls[0].window.after == window.after);
  CHECK(w.pages.calls[0].window.before == window.before);
  CHECK(w.orders().cursor == window.before);
  CHECK_FALSE(w.orders().run);
  CHECK(w.store.committed.size() == 2);
}

TEST_CASE("sync: a token that does not open fails the job without a call", "[unit][sync]") {
  SyncWorld w;
  w.sellers.token_fails = true;
  auto st = w.run();
  CHECK(outcome_of(st) == "retry");
  CHECK(w.pages.calls.empty());
  REQUIRE(w.audit.events.size() == 2);
  CHECK(w.audit.events[0].action == "tokens.decrypt");
  CHECK(w.audit.events[0].outcome == "failure");
  CHECK(w.audit.events[1].outcome == "failure");
}

std::vector<std::string> actions(const std::vector<pg::AuditEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.action);
  return out;
}

TEST_CASE("sync: every stored page commits its own audit events", "[unit][sync]") {
  SyncWorld w;
  auto first = FakePages::page(3, "t1");
  first.refreshed = true;  // this call exchanged the refresh token with LWA
  w.pages.script = {first, FakePages::page(2)};
  REQUIRE(outcome_of(w.run()) == "done");
  REQUIRE(w.store.committed.size() == 2);
  // The decryption and the LWA exchange go with the first access they served.
  CHECK(actions(w.store.committed[0].audited) == std::vector<std::string>{"tokens.decrypt", "lwa.exchange", "sync.orders"});
  CHECK(actions(w.store.committed[1].audited) == std::vector<std::string>{"sync.orders"});
  const auto& last = w.store.committed[1].audited.back();
  CHECK(last.rows == 2);
  CHECK(last.request_ids == std::vector<std::string>{"req-2"});
  CHECK(last.detail.at("run_pages").as_int64() == 2);
  CHECK(last.detail.at("run_rows").as_int64() == 5);
  CHECK(w.audit.events.empty());  // nothing written outside the pages' transactions
}

TEST_CASE("sync: deferrals are counted on the run and audited once, with its last page", "[unit][sync]") {
  SyncWorld w;
  w.gate.denying = true;
  REQUIRE(outcome_of(w.run()) == "deferral");
  REQUIRE(outcome_of(w.run()) == "deferral");
  REQUIRE(outcome_of(w.run()) == "deferral");
  CHECK(w.audit.events.empty());  // not decrypted, nothing fetched: no event per deferral
  CHECK(w.sellers.opened == 0);
  w.gate.denying = false;
  w.pages.script = {FakePages::page(1)};
  REQUIRE(outcome_of(w.run()) == "done");
  REQUIRE(w.store.committed.size() == 1);
  const auto& run_row = w.store.committed[0].audited.back();
  CHECK(run_row.action == "sync.orders");
  CHECK(run_row.detail.at("deferrals").as_int64() == 3);
  CHECK(w.audit.events.empty());
}

}  // namespace blazed::testing
