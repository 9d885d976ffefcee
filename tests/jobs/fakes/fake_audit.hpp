// Owns FakeAudit: an AuditPort that keeps the events written outside a page (action and outcome)
// in memory; the events of stored pages go with the pages (FakeSyncStore::committed).
#pragma once

#include "jobs/sync/sync_ports.hpp"

#include <string>
#include <vector>

namespace blazed::testing {

class FakeAudit final : public jobs::sync::AuditPort {
 public:
  struct Event {
    std::string action;   // "sync.orders", "sync.transactions", "seller.needs_reauth"
    std::string outcome;  // success, deferred, failure, needs_reauth; empty for needs_reauth events
  };
  [[nodiscard]] std::string actor() const override { return "instance:test"; }
  boost::asio::awaitable<Status> run(std::int64_t, jobs::sync::DataType type, const jobs::sync::RunReport& report,
                                     std::chrono::milliseconds, std::string_view outcome, const Error*) override {
    if (report.token_opened) events.push_back({"tokens.decrypt", *report.token_opened ? "success" : "failure"});
    events.push_back({"sync." + std::string(jobs::sync::data_type_name(type)), std::string(outcome)});
    co_return Status{};
  }
  boost::asio::awaitable<Status> needs_reauth(std::int64_t) override {
    events.push_back({"seller.needs_reauth", ""});
    co_return Status{};
  }
  std::vector<Event> events;
};

}  // namespace blazed::testing
