// Owns FakeAudit: an AuditPort that keeps the events (action and outcome) in memory.
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
  boost::asio::awaitable<Status> run(std::int64_t, jobs::sync::DataType type, const jobs::sync::RunReport&,
                                     std::chrono::milliseconds, std::string_view outcome, const Error*) override {
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
